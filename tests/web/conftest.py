from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services.support import PASSWORD, Live, live_app


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    with live_app(f"sqlite:///{tmp_path / 'web.db'}") as running:
        yield running


def form_login(live: Live, username: str, **headers: str) -> Any:
    live.client.cookies.clear()
    return live.client.post(
        "/login",
        data={"username": username, "password": PASSWORD},
        headers=headers,
        follow_redirects=False,
    )


def page_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert match is not None, "no page data in the page"
    data: dict[str, Any] = json.loads(match.group(1))
    return data
