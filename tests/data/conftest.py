from __future__ import annotations

from pathlib import Path

import pytest

import homeshore

EXAMPLES_DATA = Path(homeshore.__file__).resolve().parent / "examples_data"


@pytest.fixture(scope="session")
def bank_excerpt() -> Path:
    """Raw Anonymous Bank records holding each quirk of the format (bundled)."""
    return EXAMPLES_DATA / "anonymous_bank_excerpt.txt"
