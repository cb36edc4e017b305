"""A quiet desk stays connected: the page answers the server's heartbeats."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: the server drops a client that says nothing for 1.5 s; it beats every 0.5 s
SETTINGS = {"heartbeat_s": 0.5, "disconnect_after_s": 1.5}


def test_an_idle_desk_keeps_its_connection(server: Server, open_page: Any) -> None:
    page = open_page("a1", "/agent")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    page.evaluate("window.homeshoreStream.socket.marked = true")
    page.wait_for_timeout(4_000)  # more than twice the server's patience
    assert page.evaluate("window.homeshoreStream.socket.marked === true")
    assert page.evaluate("window.homeshoreStream.attempt") == 0
    assert server.platform.agents["a1"].connections == 1
    assert server.platform.agents["a1"].state == "offline"  # never marked disconnected
