from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from homeshore.db.tables import UserRow
from homeshore.web.render import CONTENT_SECURITY_POLICY
from tests.services.support import PASSWORD, Live
from tests.web.conftest import form_login, page_data


@pytest.mark.parametrize("path", ["/agent", "/supervisor", "/readiness"])
def test_pages_send_strangers_to_the_login_page(live: Live, path: str) -> None:
    r = live.client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next={path}"
    assert live.client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_login_page_speaks_french_first_and_english_to_english_browsers(live: Live) -> None:
    fr = live.client.get("/login")
    assert fr.status_code == 200
    assert '<html lang="fr">' in fr.text and "Identifiant" in fr.text
    en = live.client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in en.text and "User name" in en.text
    assert fr.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert fr.headers["x-content-type-options"] == "nosniff"


def test_a_wrong_password_is_refused_in_plain_words(live: Live) -> None:
    r = live.client.post(
        "/login", data={"username": "a1", "password": "nope"}, follow_redirects=False
    )
    assert r.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in r.text
    assert 'aria-invalid="true"' in r.text and 'value="a1"' in r.text
    empty = live.client.post("/login", data={"username": "", "password": ""})
    assert empty.status_code == 422


def test_repeated_failures_are_rate_limited(live: Live) -> None:
    for _ in range(5):
        live.client.post("/login", data={"username": "a2", "password": "wrong"})
    r = live.client.post("/login", data={"username": "a2", "password": PASSWORD})
    assert r.status_code == 429
    assert "Attendez une minute" in r.text


def test_login_sends_each_role_home_and_only_to_local_paths(live: Live) -> None:
    r = form_login(live, "a1")
    assert r.status_code == 303 and r.headers["location"] == "/agent"
    assert "homeshore_session" in r.headers["set-cookie"]
    assert "httponly" in r.headers["set-cookie"].lower()
    assert form_login(live, "m.red").headers["location"] == "/supervisor"
    live.client.cookies.clear()
    r = live.client.post(
        "/login",
        data={"username": "a1", "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/agent"
    live.client.cookies.clear()
    r = live.client.post(
        "/login",
        data={"username": "a1", "password": PASSWORD, "next": "/readiness"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/readiness"


def test_agent_desk_snapshot(live: Live) -> None:
    form_login(live, "a1")
    r = live.client.get("/agent")
    assert r.status_code == 200
    data = page_data(r.text)
    assert data["agent"]["id"] == "a1" and data["agent"]["name"] == "Ann"
    assert data["agent"]["state"] == "offline"
    assert data["ws_path"] == "/api/ws"
    assert isinstance(data["last_event_id"], int)
    assert data["queues"] == {"plans": "Plans", "legal": "Legal chat"}
    assert data["texts"]["state.available"] == "Disponible"
    assert data["in_contact_time"] is True  # no published schedule: unscheduled agents allowed
    assert 'src="/static/js/agent.js"' in r.text
    # what the platform records about the advisor's work is shown (ANI 2005 art. 6)
    assert "Ce que la plateforme enregistre de mon travail" in r.text
    assert "state changes and their times" in r.text
    assert live.client.get("/api/pages/agent").json()["agent"]["id"] == "a1"


def test_agent_desk_shows_contacts_in_hand_with_their_chat(live: Live) -> None:
    with live.ws("a1"):
        assert live.go("a1", "available").status_code == 200
        contact = live.new_contact("legal", customer_ref="CUST-9")
        assert live.post("a1", f"/api/contacts/{contact['id']}/accept").status_code == 200
        conv = live.get("admin", f"/api/conversations?contact_id={contact['id']}").json()[0]
        live.post("admin", f"/api/conversations/{conv['id']}/messages", {"body": "Bonjour"})
        form_login(live, "a1")
        data = page_data(live.client.get("/agent").text)
    [bundle] = data["contacts"]
    assert bundle["contact"]["customer_ref"] == "CUST-9"
    assert bundle["contact"]["state"] == "active"
    [customer] = [c for c in bundle["conversations"] if c["kind"] == "customer"]
    assert [m["body"] for m in customer["messages"]] == ["Bonjour"]


def test_each_page_is_for_its_role(live: Live) -> None:
    form_login(live, "a1")
    r = live.client.get("/supervisor")
    assert r.status_code == 403
    assert "superviseur" in r.text
    form_login(live, "m.red")
    assert live.client.get("/agent").status_code == 403
    assert live.client.get("/readiness").status_code == 403
    assert live.client.get("/api/pages/agent").status_code == 403


def test_supervisor_console_is_scoped_to_its_teams(live: Live) -> None:
    form_login(live, "m.red")
    r = live.client.get("/supervisor")
    assert r.status_code == 200
    data = page_data(r.text)
    assert {a["id"] for a in data["agents"]} == {"a1", "a2"}
    assert data["teams"] == {"red": "Red"}
    assert {q["queue_id"] for q in data["queue_kpis"]} == {"plans", "legal"}
    assert data["conforming"]["work"] == ["available", "busy", "reserved", "wrap_up"]
    assert data["queues"]["plans"]["targets"]["threshold_s"] == 20
    assert "Équipes : Red" in r.text


def test_the_chosen_language_is_stored_for_the_user(live: Live) -> None:
    form_login(live, "a1")
    r = live.client.post(
        "/language", data={"language": "en", "next": "/agent"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/agent"
    with live.platform.sessions() as session:
        assert session.scalar(select(UserRow.language).where(UserRow.username == "a1")) == "en"
    # a new session from a French browser still gets English
    live.client.cookies.clear()
    form_login(live, "a1", **{"Accept-Language": "fr-FR"})
    page = live.client.get("/agent", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="en">' in page.text and "My state" in page.text
    # another user is not affected
    form_login(live, "a2")
    assert '<html lang="fr">' in live.client.get("/agent").text


def test_language_before_login_is_remembered_in_a_cookie(live: Live) -> None:
    r = live.client.post("/language", data={"language": "en", "next": "/login"})
    assert r.status_code == 200 and '<html lang="en">' in r.text
    bad = live.client.post(
        "/language", data={"language": "xx", "next": "/login"}, follow_redirects=False
    )
    assert bad.status_code == 303


def test_logout_ends_the_session(live: Live) -> None:
    form_login(live, "a1")
    assert live.client.get("/agent").status_code == 200
    r = live.client.post("/logout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert live.client.get("/agent", follow_redirects=False).status_code == 303


def test_readiness_page_shows_the_last_stored_check(live: Live) -> None:
    form_login(live, "h1")
    first = live.client.get("/readiness")
    assert first.status_code == 200
    assert page_data(first.text)["probe_path"] == "/api/readiness/probe/ws"
    body = {"samples": [{"rtt_ms": 900.0, "jitter_ms": 90.0, "loss_pct": 9.0}] * 5}
    assert live.post("h1", "/api/readiness", body).status_code == 201
    page = live.client.get("/readiness").text
    assert 'data-verdict="fail"' in page
    assert "Le temps aller-retour atteint 900 ms" in page


def test_static_assets_are_served_with_their_types(live: Live) -> None:
    js = live.client.get("/static/js/agent.js")
    assert js.status_code == 200
    assert js.headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
    css = live.client.get("/static/css/app.css")
    assert css.headers["content-type"].startswith("text/css")


def test_rendered_pages_reference_nothing_outside_the_platform(live: Live) -> None:
    pages = [live.client.get("/login").text]
    form_login(live, "a1")
    pages += [live.client.get("/agent").text, live.client.get("/readiness").text]
    form_login(live, "m.red")
    pages.append(live.client.get("/supervisor").text)
    for html in pages:
        for attr, url in re.findall(r'(?<![\w-])(src|href|action)="([^"]*)"', html):
            local = url.startswith("#") or (url.startswith("/") and not url.startswith("//"))
            assert local, (attr, url)


def test_no_template_script_or_style_names_another_site() -> None:
    from pathlib import Path

    web = Path(__file__).resolve().parents[2] / "src" / "homeshore" / "web"
    files = [p for p in web.rglob("*") if p.suffix in (".html", ".js", ".css", ".svg")]
    assert len(files) >= 10
    # the softphone library carries its package metadata (homepage, repository, authors):
    # names, never fetched (the browser tests record every request a page makes)
    vendor_metadata = {
        "https://jssip.net",
        "https://github.com/versatica/JsSIP.git",
        "https://github.com/versatica/JsSIP/issues",
        "https://inakibaz.me",
        "https://github.com/jmillan",
    }
    for path in files:
        text = path.read_text()
        allowed = {"http://www.w3.org/2000/svg"}  # the SVG namespace is a name, not a fetch
        if path.parent.name == "vendor":
            allowed |= vendor_metadata
        for url in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'`)]*", text):
            assert url in allowed, f"{path.name}: {url}"
        assert "@import" not in text and "fonts.googleapis" not in text
