from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services.support import Live, database_url, live_app


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def live(db_url: str) -> Iterator[Live]:
    with live_app(db_url) as running:
        yield running
