"""The home readiness check runs in the browser and its verdict is stored for the agent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_readiness_check_in_the_browser_is_stored_and_lifts_the_notice(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    page = open_page("h1", "/agent")
    notice = page.locator("#notice-readiness")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("pas encore passé le test")
    page.get_by_role("link", name="Lancer le test du poste").click()
    page.wait_for_url("**/readiness")
    expect(page.locator("#readiness-result")).to_be_hidden()
    page.screenshot(path=artifacts / "readiness-before.png", full_page=True)

    page.get_by_label("Mon ordinateur est relié par câble (Ethernet)").check()
    page.get_by_label("J'utilise un casque USB").check()
    page.get_by_label("Je travaille dans une pièce calme, à l'écart").check()
    page.get_by_role("button", name="Lancer le test").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-verdict", "pass")
    expect(verdict).to_contain_text("Réussi")
    expect(page.locator('#figures [data-field="rtt_ms"]')).to_contain_text("ms")
    expect(page.locator('#figures [data-field="bandwidth_kbps"]')).to_contain_text("kbit/s")
    expect(page.locator("#reasons")).to_contain_text("valeurs recommandées")
    expect(page.locator("#readiness-path")).to_contain_text("Mesuré par la plateforme")
    expect(page.locator("#readiness-source")).to_contain_text("Transmis par votre navigateur")
    page.screenshot(path=artifacts / "readiness-pass.png", full_page=True)

    stored = server.api.get("/api/agents/h1/readiness").json()
    assert len(stored) == 1 and (stored[0]["verdict"], stored[0]["source"]) == ("pass", "measured")
    assert 4.0 < stored[0]["mos"] <= 4.5  # loopback: nearly perfect
    assert server.platform.agents["h1"].readiness == "pass"

    # a second run from a noisy room, without a headset: a warning, worded in French
    page.get_by_label("J'utilise un casque USB").uncheck()
    page.get_by_label("Je travaille dans une pièce calme, à l'écart").uncheck()
    page.get_by_role("button", name="Lancer le test").click()
    expect(verdict).to_have_attribute("data-verdict", "warn")
    expect(page.locator("#reasons")).to_contain_text("Pas de casque USB")
    expect(page.locator("#reasons")).to_contain_text("La pièce n'est pas calme")
    page.screenshot(path=artifacts / "readiness-warn.png", full_page=True)
    assert len(server.api.get("/api/agents/h1/readiness").json()) == 2

    # the stored result is what the page shows after a reload, and the desk knows it
    page.reload()
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "warn")
    page.goto("/agent")
    expect(page.locator("#notice-readiness")).to_contain_text("avertissement")
