"""A manager evaluates an advisor's completed chat in the console; the advisor's desk shows
the result at once (two real browsers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WAIT_S, Server
from tests.web.live_server import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_manager_evaluates_a_chat_and_the_advisor_reads_it(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    agent = open_page("a1", "/agent")
    expect(agent.locator("#connection")).to_have_attribute("data-state", "open")
    expect(agent.locator("#evaluations-card")).to_contain_text("Aucune évaluation")
    agent.get_by_label("Je travaille depuis").select_option("site")
    agent.get_by_role("button", name="Disponible", exact=True).click()
    expect(agent.locator("#state")).to_have_attribute("data-state", "available")
    contact = server.new_chat("cust-eval")
    cid = contact["id"]
    with signed_in(server.base_url, "a1", WAIT_S) as desk:
        expect(agent.locator(".offer")).to_have_count(1)
        for step, body in (
            ("accept", None),
            ("complete", None),
            ("wrap-up", {"disposition": "solved", "next_state": "break"}),
        ):
            r = desk.post(f"/api/contacts/{cid}/{step}", json=body)
            assert r.status_code == 200, r.text

    manager = open_page("m.red", "/supervisor", locale="en-GB")
    card = manager.locator("#evaluations-card")
    row = card.locator(f'tr[data-contact="{cid}"]')
    expect(row).to_contain_text("contact centre")
    row.get_by_role("button", name="Evaluate").click()
    form = card.locator(f'form.evaluation-form[data-contact="{cid}"]')
    expect(form).to_contain_text("Chats")
    form.locator('fieldset[data-question="answer"]').get_by_label("met", exact=True).check()
    form.locator('fieldset[data-question="tone"]').get_by_label("partly").check()
    form.get_by_label("Comment for the advisor").fill("Right answer, a little curt.")
    form.get_by_role("button", name="Save the evaluation").click()
    # (2 x 1 + 1 x 0.5) / 3 = 83 %, over the default pass mark of 80
    expect(card.get_by_role("status")).to_contain_text("83 % · passed")
    expect(row).to_contain_text("83 %")
    expect(card.locator('[data-part="summary"] tr[data-agent="a1"]')).to_contain_text("83 %")
    manager.screenshot(path=artifacts / "supervisor-evaluation.png", full_page=True)

    # the advisor's desk shows it without a reload, in French
    own = agent.locator("#evaluations-card .evaluation")
    expect(own).to_have_count(1)
    expect(own).to_contain_text("83 % · réussie")
    expect(own).to_contain_text("Right answer, a little curt.")
    own.locator("summary").click()
    expect(own).to_contain_text("Writes courteously: en partie")
    agent.screenshot(path=artifacts / "agent-evaluation.png", full_page=True)
