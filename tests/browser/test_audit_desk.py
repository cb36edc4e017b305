"""The advisor's desk lists the audit trail's entries about them: their own sign-in with
where it came from, and their manager's take-over of a contact (where the manager works
from is not shown)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WAIT_S, Server
from tests.web.live_server import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_desk_lists_the_audit_entries_about_the_advisor(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    agent = open_page("a1", "/agent")
    expect(agent.locator("#connection")).to_have_attribute("data-state", "open")
    agent.get_by_text("Ce que la plateforme enregistre de mon travail").click()
    log = agent.locator("#audit-log")
    expect(log.locator('li[data-action="login.ok"]').first).to_contain_text(
        "Connexion · depuis 127.0.0.1"
    )
    expect(agent.locator("#audit-empty")).to_be_hidden()

    agent.get_by_label("Je travaille depuis").select_option("site")
    agent.get_by_role("button", name="Disponible", exact=True).click()
    expect(agent.locator("#state")).to_have_attribute("data-state", "available")
    contact = server.new_chat("CUST-AUDIT")
    offer = agent.locator(f'.offer[data-contact="{contact["id"]}"]')
    offer.get_by_role("button", name="Accepter").click()
    expect(agent.locator(f'.contact[data-contact="{contact["id"]}"]')).to_be_visible()
    with signed_in(server.base_url, "m.red", WAIT_S) as manager:
        r = manager.post(f"/api/contacts/{contact['id']}/take-over")
        assert r.status_code == 200, r.text
    taken = log.locator('li[data-action="contact.taken_over"]')
    expect(taken).to_contain_text(f"m.red a repris le contact n° {contact['id']}")
    expect(taken).not_to_contain_text("depuis")
    agent.screenshot(path=artifacts / "agent-audit.png", full_page=True)
