"""Right to disconnect, network drops, take-over and transfer, language, accessibility."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WAIT_S, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _available_with_chat(server: Server, page: Any, customer: str) -> tuple[dict[str, Any], Any]:
    page.get_by_label("Je travaille depuis").select_option("site")
    page.get_by_role("button", name="Disponible", exact=True).click()
    expect(page.locator("#state")).to_have_attribute("data-state", "available")
    contact = server.new_chat(customer)
    offer = page.locator(f'.offer[data-contact="{contact["id"]}"]')
    offer.get_by_role("button", name="Accepter").click()
    card = page.locator(f'.contact[data-contact="{contact["id"]}"]')
    expect(card).to_be_visible()
    return contact, card


def _give_up(server: Server, agent: Any, contact_id: int) -> None:
    """A chat transferred back to its queue may be offered again to the only advisor of the
    queue: the advisor rejects it, and the customer gives up while it waits, so the next
    test starts from an idle advisor."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        state = server.api.get(f"/api/contacts/{contact_id}").json()["state"]
        if state == "abandoned":
            return
        if state == "queued":
            server.api.post(f"/api/contacts/{contact_id}/abandon")  # 409 if offered meanwhile
        elif state == "offered":
            offer = agent.locator(f'.offer[data-contact="{contact_id}"]')
            expect(offer).to_be_visible()
            offer.get_by_role("button", name="Refuser").click()
            expect(offer).to_have_count(0)
        agent.wait_for_timeout(100)
    raise AssertionError(f"contact {contact_id} was never given up")


def test_outside_scheduled_hours_nothing_is_offered(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    page = open_page("a2", "/agent")
    expect(page.locator("#notice-hours")).to_be_visible()
    expect(page.locator("#notice-hours")).to_contain_text("droit à la déconnexion")
    page.get_by_role("button", name="Disponible", exact=True).click()
    expect(page.locator("#agent-error")).to_contain_text("vous ne pouvez pas prendre de contacts")
    expect(page.locator("#state")).to_have_attribute("data-state", "offline")
    page.screenshot(path=artifacts / "agent-outside-hours.png", full_page=True)


def test_a_network_drop_loses_no_message(server: Server, open_page: Any, artifacts: Path) -> None:
    page = open_page("a1", "/agent")
    contact, card = _available_with_chat(server, page, "CUST-DROP")
    server.customer_says(contact["id"], "Premier message")
    log = card.locator('[data-field="chat-log"] li')
    expect(log).to_have_count(1)

    # the home connection drops: the page sees its socket die and cannot reconnect
    page.context.set_offline(True)
    page.evaluate("window.homeshoreStream.socket.close()")
    expect(page.locator("#connection")).to_have_attribute("data-state", "reconnecting")
    server.customer_says(contact["id"], "Vous êtes toujours là ?")
    server.customer_says(contact["id"], "Allô ?")
    # sending while offline fails visibly and keeps the text for a retry
    box = card.get_by_label("Message au client")
    box.fill("Oui, je suis là.")
    box.press("Enter")
    expect(card.locator('[data-field="error"]')).to_be_visible()
    expect(box).to_have_value("Oui, je suis là.")
    page.screenshot(path=artifacts / "agent-reconnecting.png", full_page=True)

    # back online: the stream resumes from its last event id and replays what was missed
    page.context.set_offline(False)
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    expect(log).to_have_count(3)
    expect(log.nth(1)).to_contain_text("toujours là")
    expect(log.nth(2)).to_contain_text("Allô")
    card.get_by_role("button", name="Envoyer", exact=True).click()
    expect(log).to_have_count(4)
    assert [m["body"] for m in server.messages(contact["id"])] == [
        "Premier message",
        "Vous êtes toujours là ?",
        "Allô ?",
        "Oui, je suis là.",
    ]
    # a reload shows the same conversation, once
    page.reload()
    expect(
        page.locator(f'.contact[data-contact="{contact["id"]}"] [data-field="chat-log"] li')
    ).to_have_count(4)
    # leave the desk clean for the next test
    card = page.locator(f'.contact[data-contact="{contact["id"]}"]')
    card.get_by_role("button", name="Terminer le contact").click()
    card.get_by_label("Issue du contact").select_option("information")
    card.get_by_role("button", name="Terminer la clôture").click()
    expect(card).to_have_count(0)


def test_the_manager_takes_over_and_the_agent_transfers(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    agent = open_page("a1", "/agent")
    supervisor = open_page("m.red", "/supervisor")
    contact, card = _available_with_chat(server, agent, "CUST-TAKE")
    card.get_by_role("button", name="Demander à mon responsable").click()
    card.get_by_label("Message à mon responsable").fill("Client très mécontent.")
    card.get_by_label("Message à mon responsable").press("Enter")
    expect(card.locator('[data-field="help-log"]')).to_contain_text("très mécontent")
    item = supervisor.locator("#help-list button", has_text=f"n° {contact['id']}")
    expect(item).to_have_count(1)
    item.click()
    supervisor.get_by_role("button", name="Reprendre le contact").click()
    expect(card).to_have_count(0)
    expect(agent.locator("#announcer")).to_contain_text("repris le contact")
    panel = supervisor.locator("#customer-panel")
    expect(panel).to_be_visible()
    supervisor.get_by_label("Message au client").fill("Bonjour, je suis la responsable.")
    supervisor.get_by_role("button", name="Envoyer", exact=True).click()
    expect(supervisor.locator("#customer-log li.mine")).to_contain_text("responsable")
    assert server.messages(contact["id"])[-1]["sender"] == "manager"
    server.customer_says(contact["id"], "Merci, j'attends votre solution.")
    expect(supervisor.locator("#customer-log")).to_contain_text("j'attends votre solution")
    supervisor.screenshot(path=artifacts / "supervisor-take-over.png", full_page=True)

    # the agent is free again: the next chat is transferred back to the queue
    expect(agent.locator("#state")).to_have_attribute("data-state", "available")
    second = server.new_chat("CUST-XFER")
    agent.locator(f'.offer[data-contact="{second["id"]}"]').get_by_role(
        "button", name="Accepter"
    ).click()
    card = agent.locator(f'.contact[data-contact="{second["id"]}"]')
    card.get_by_role("button", name="Transférer", exact=True).click()
    card.get_by_label("File").select_option("legal")
    card.locator('[data-form="transfer"] button[type="submit"]').click()
    expect(card).to_have_count(0)
    assert server.api.get(f"/api/contacts/{second['id']}").json()["transfers"] == 1
    _give_up(server, agent, second["id"])


def test_english_browser_and_switching_language(
    server: Server, open_page: Any, artifacts: Path
) -> None:
    login = open_page(None, "/login", locale="en-GB")
    expect(login.locator("html")).to_have_attribute("lang", "en")
    login.screenshot(path=artifacts / "login-en.png", full_page=True)
    page = open_page("b2", "/agent", locale="en-GB")
    expect(page.get_by_role("heading", name="My state")).to_be_visible()
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Mon état")).to_be_visible()
    expect(page.locator("#state")).to_have_text("Hors ligne")
    # stored for the user: a new English browser session still gets French
    again = open_page("b2", "/agent", locale="en-GB")
    expect(again.locator("html")).to_have_attribute("lang", "fr")


CHECK_PAGE = """() => {
  const problems = [];
  const named = (el) => (el.labels && el.labels.length) || el.getAttribute("aria-label")
    || el.getAttribute("aria-labelledby");
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (el.closest("template")) continue;
    if (!named(el)) problems.push(`unlabelled ${el.outerHTML.slice(0, 80)}`);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!el.textContent.trim() && !el.getAttribute("aria-label")) {
      problems.push(`nameless ${el.outerHTML.slice(0, 80)}`);
    }
  }
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one h1");
  if (!document.documentElement.lang) problems.push("no lang");
  // contrast of visible text against its first opaque background (WCAG AA: 4.5:1)
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let n = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll("body *")) {
    if (!el.offsetParent || el.closest(".visually-hidden")) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    if (el.disabled || el.closest("button:disabled")) continue;
    const a = lum(rgb(style.color).slice(0, 3));
    const b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} for "${text}"`);
  }
  return problems;
}"""


@pytest.mark.parametrize(
    ("user", "path"),
    [(None, "/login"), ("a1", "/agent"), ("m.red", "/supervisor"), ("h1", "/readiness")],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_are_labelled_and_readable(
    server: Server, open_page: Any, user: str | None, path: str, scheme: str
) -> None:
    page = open_page(user, path)
    page.emulate_media(color_scheme=scheme)
    assert page.evaluate(CHECK_PAGE) == []
    # the first stop of the Tab order is the skip link, and it leads to the content
    first = "document.querySelector('a[href], button, input, select, textarea').className"
    assert page.evaluate(first) == "skip-link"
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_the_manager_transfers_from_the_help_inbox(server: Server, open_page: Any) -> None:
    agent = open_page("a1", "/agent")
    supervisor = open_page("m.red", "/supervisor")
    contact, card = _available_with_chat(server, agent, "CUST-MGR-XFER")
    card.get_by_role("button", name="Demander à mon responsable").click()
    card.get_by_label("Message à mon responsable").fill("Ce client relève du service juridique.")
    card.get_by_label("Message à mon responsable").press("Enter")
    expect(card.locator('[data-field="help-log"]')).to_contain_text("juridique")
    supervisor.locator("#help-list button", has_text=f"n° {contact['id']}").click()
    supervisor.locator("#help-transfer").get_by_label("Conseiller (identifiant)").fill("a2")
    supervisor.locator("#help-transfer").get_by_role("button", name="Transférer").click()
    # a2 is outside its hours: the platform refuses, in the page's language
    expect(supervisor.locator("#supervisor-error")).to_be_visible()
    supervisor.locator("#help-transfer").get_by_label("Conseiller (identifiant)").fill("")
    supervisor.locator("#help-transfer").get_by_label("File").select_option("legal")
    supervisor.locator("#help-transfer").get_by_role("button", name="Transférer").click()
    expect(supervisor.locator("#announcer")).to_contain_text("transféré")
    expect(card).to_have_count(0)
    assert server.api.get(f"/api/contacts/{contact['id']}").json()["transfers"] == 1
    _give_up(server, agent, contact["id"])


def test_signing_out_leaves_the_advisor_offline(server: Server, open_page: Any) -> None:
    """The button "Fermer la session" (not the state button "Passer hors ligne"): the advisor
    leaves routing, and its next login starts offline: going available is its choice again."""
    agent = open_page("a1", "/agent")
    agent.get_by_label("Je travaille depuis").select_option("site")
    agent.get_by_role("button", name="Disponible", exact=True).click()
    expect(agent.locator("#state")).to_have_attribute("data-state", "available")
    agent.get_by_role("button", name="Fermer la session", exact=True).click()
    agent.wait_for_url(lambda url: urlsplit(url).path == "/login")
    assert server.api.get("/api/agents/a1").json()["state"] == "offline"
    again = open_page("a1", "/agent")
    expect(again.locator("#connection")).to_have_attribute("data-state", "open")
    expect(again.locator("#state")).to_have_attribute("data-state", "offline")
    expect(again.get_by_role("button", name="Passer hors ligne", exact=True)).to_be_visible()
