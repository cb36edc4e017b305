"""An agent and a supervisor work a chat together, in two real browsers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _tile(page: Any, queue_id: str) -> Any:
    return page.locator(f'.tile[data-queue="{queue_id}"]')


def _segments_today(server: Server, agent_id: str) -> int:
    zone = server.platform.zone
    midnight = dt.datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = midnight + dt.timedelta(days=1)  # wall-clock arithmetic: the next midnight
    segments = server.platform.schedule[agent_id]
    return sum(1 for s in segments if s.start < tomorrow and s.end > midnight)


def test_agent_and_supervisor_handle_a_chat(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    agent = open_page("a1", "/agent")
    expect(agent.locator("#connection")).to_have_attribute("data-state", "open")
    expect(agent.locator("#notice-hours")).to_be_hidden()
    # the desk lists the segments that touch today (scenario's time zone): the fixture's
    # a1 works from an hour ago for five hours, so late in the evening fewer are today's
    expect(agent.locator("#schedule-list li")).to_have_count(_segments_today(server, "a1"))
    expect(agent.locator('#schedule-list li[aria-current="true"]')).to_contain_text("Contacts")
    supervisor = open_page("m.red", "/supervisor")
    expect(supervisor.locator("#connection")).to_have_attribute("data-state", "open")
    expect(_tile(supervisor, "legal")).to_contain_text("Legal chat")
    expect(supervisor.locator('#agents-table tr[data-agent="a1"]')).to_contain_text("Hors ligne")
    # a1 is scheduled to work and offline: out of adherence, highlighted
    expect(supervisor.locator('#agents-table tr[data-agent="a1"]')).to_have_attribute(
        "data-adherence", "out"
    )
    supervisor.screenshot(path=artifacts / "supervisor-start.png", full_page=True)

    # the agent goes available from the site
    agent.get_by_label("Je travaille depuis").select_option("site")
    agent.get_by_role("button", name="Disponible", exact=True).click()
    expect(agent.locator("#state")).to_have_attribute("data-state", "available")
    expect(supervisor.locator('#agents-table tr[data-agent="a1"]')).to_have_attribute(
        "data-adherence", "in"
    )
    expect(supervisor.locator('#agents-table tr[data-agent="a1"]')).to_contain_text(
        "centre de contacts"
    )
    agent.screenshot(path=artifacts / "agent-available.png", full_page=True)

    # a chat arrives through the API and is offered, with its countdown
    contact = server.new_chat("CUST-4242")
    offer = agent.locator(f'.offer[data-contact="{contact["id"]}"]')
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("CUST-4242")
    expect(offer).to_contain_text("Legal chat")
    expect(offer.locator('[data-field="countdown"]')).to_have_text(
        re.compile(r"\d+ s pour répondre")
    )
    expect(agent.locator("#announcer")).to_contain_text("CUST-4242")
    expect(
        supervisor.locator(f'#contacts-table tr[data-contact="{contact["id"]}"]')
    ).to_contain_text("proposé")
    agent.screenshot(path=artifacts / "agent-offer.png", full_page=True)

    # accepted from the keyboard: the offer takes the focus
    expect(offer.get_by_role("button", name="Accepter")).to_be_focused()
    agent.keyboard.press("Enter")
    card = agent.locator(f'.contact[data-contact="{contact["id"]}"]')
    expect(card).to_be_visible()
    expect(offer).to_have_count(0)
    expect(
        supervisor.locator(f'#contacts-table tr[data-contact="{contact["id"]}"]')
    ).to_contain_text("Ann")

    # messages both ways
    server.customer_says(contact["id"], "Bonjour, j'ai reçu une mise en demeure.")
    expect(card.locator('[data-field="chat-log"]')).to_contain_text("mise en demeure")
    card.get_by_label("Message au client").fill("Bonjour, je regarde votre dossier.")
    card.get_by_label("Message au client").press("Enter")
    expect(card.locator('[data-field="chat-log"] li.mine')).to_contain_text("je regarde")
    assert [m["sender"] for m in server.messages(contact["id"])] == ["customer", "agent"]

    # ask the manager; the supervisor sees the request, joins and answers
    card.get_by_role("button", name="Demander à mon responsable").click()
    card.get_by_label("Message à mon responsable").fill("Le client conteste la date, que faire ?")
    card.get_by_role("button", name="Envoyer à mon responsable").click()
    expect(card.locator('[data-field="help-log"]')).to_contain_text("conteste la date")
    request = supervisor.locator("#help-list button")
    expect(request).to_have_count(1)
    expect(request).to_contain_text("Ann")
    expect(supervisor.locator("#help-count")).to_have_text("1")
    request.click()
    expect(supervisor.locator("#help-log")).to_contain_text("conteste la date")
    supervisor.get_by_role("button", name="Rejoindre la discussion d'aide").click()
    expect(supervisor.locator("#help-join")).to_be_disabled()
    supervisor.get_by_label("Réponse au conseiller").fill("Proposez un report de 15 jours.")
    supervisor.get_by_role("button", name="Répondre", exact=True).click()
    expect(card.locator('[data-field="help-log"]')).to_contain_text("report de 15 jours")
    agent.screenshot(path=artifacts / "agent-chat-and-help.png", full_page=True)
    supervisor.screenshot(path=artifacts / "supervisor-help.png", full_page=True)

    # end the contact and wrap up with a disposition
    card.get_by_role("button", name="Terminer le contact").click()
    expect(card.get_by_label("Issue du contact")).to_be_visible()
    expect(agent.locator("#state")).to_have_attribute("data-state", "wrap_up")
    card.get_by_label("Issue du contact").select_option("resolved")
    card.get_by_role("button", name="Terminer la clôture").click()
    expect(card).to_have_count(0)
    expect(agent.locator("#state")).to_have_attribute("data-state", "available")
    final = server.api.get(f"/api/contacts/{contact['id']}").json()
    assert final["state"] == "completed" and final["disposition"] == "resolved"

    # the tiles follow: one chat answered today, within the 60 s threshold
    legal = _tile(supervisor, "legal")
    expect(legal.locator('[data-field="sl"]')).to_contain_text("100")
    expect(legal.locator('[data-field="asa"]')).not_to_have_text("—")
    expect(legal).to_have_attribute("data-status", "ok")
    expect(supervisor.locator(f'#contacts-table tr[data-contact="{contact["id"]}"]')).to_have_count(
        0
    )
    expect(supervisor.locator('#agents-table tr[data-agent="a1"]')).not_to_contain_text("#")
    supervisor.screenshot(path=artifacts / "supervisor-after.png", full_page=True)
    # the request left the inbox with its contact: the inbox is empty again
    expect(supervisor.locator("#help-list button")).to_have_count(0)
    expect(supervisor.locator("#help-panel")).to_be_hidden()
    expect(supervisor.locator("#help-count")).to_have_text("0")
