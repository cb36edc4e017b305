"""Scope and session checks: no route answers without a valid session, agents see only
their own contacts and conversations, supervisors only their teams."""

from __future__ import annotations

import re

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.services.support import Live


def _routes(live: Live) -> list[tuple[str, str]]:
    """Every operation of the OpenAPI schema, with ids filled in."""
    out = []
    for path, operations in live.client.get("/openapi.json").json()["paths"].items():
        concrete = re.sub(r"\{\w+\}", "1", path.replace("{agent_id}", "a1"))
        out.extend((method.upper(), concrete) for method in operations)
    return out


def test_no_route_answers_without_a_valid_session(live: Live) -> None:
    routes = _routes(live)
    assert len(routes) >= 20
    for method, path in routes:
        if path in ("/api/auth/login", "/api/health"):
            continue
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            r = live.client.request(method, path, headers=headers, json={})
            assert r.status_code == 401, f"{method} {path} answered {r.status_code}"


def test_websocket_refuses_a_missing_or_bad_token(live: Live) -> None:
    for url in ("/api/ws", "/api/ws?token=forged"):
        with pytest.raises(WebSocketDisconnect) as info, live.client.websocket_connect(url) as ws:
            ws.receive_json()
        assert info.value.code == 4401


def test_expired_session_is_refused(live: Live) -> None:
    live.login("a1")
    live.clock.advance(live.platform.settings.session_ttl_s + 1)
    assert live.get("a1", "/api/auth/me").status_code == 401


def test_logout_ends_the_session(live: Live) -> None:
    assert live.get("a2", "/api/auth/me").status_code == 200
    assert live.post("a2", "/api/auth/logout").status_code == 204
    assert live.get("a2", "/api/auth/me").status_code == 401


def test_agent_cannot_read_another_agents_contacts_or_conversations(live: Live) -> None:
    with live.ws("a1"):
        live.go("a1", "available")
        contact = live.new_contact("plans")
        cid = contact["id"]
        live.post("a1", f"/api/contacts/{cid}/accept")
        conv = live.post("a1", f"/api/contacts/{cid}/help", {"body": "help"}).json()["id"]
        # a2, same team, sees none of it
        assert live.get("a2", f"/api/contacts/{cid}").status_code == 404
        assert live.get("a2", "/api/contacts").json() == []
        assert live.get("a2", f"/api/conversations/{conv}/messages").status_code == 404
        assert (
            live.post("a2", f"/api/conversations/{conv}/messages", {"body": "x"}).status_code == 404
        )
        assert live.get("a2", "/api/conversations").json() == []
        assert live.post("a2", f"/api/contacts/{cid}/complete").status_code == 404
        assert live.get("a2", "/api/agents/a1").status_code == 404
        assert live.post("a2", "/api/agents/a1/state", {"state": "offline"}).status_code == 404
        events = live.get("a2", "/api/events").json()
        assert all(e["agent_id"] in (None, "a2") for e in events)
        assert not any(e["contact_id"] == cid for e in events)
        # a1 sees its own
        assert live.get("a1", f"/api/contacts/{cid}").status_code == 200
        assert len(live.get("a1", f"/api/conversations/{conv}/messages").json()) == 1


def test_supervisor_cannot_see_another_team(live: Live) -> None:
    with live.ws("a1"):
        live.go("a1", "available")
        contact = live.new_contact("plans")
        cid = contact["id"]
        live.post("a1", f"/api/contacts/{cid}/accept")
        conv = live.post("a1", f"/api/contacts/{cid}/help", {"body": "help"}).json()["id"]
        # m.blue manages blue; a1 is red
        assert live.get("m.blue", f"/api/contacts/{cid}").status_code == 404
        assert live.get("m.blue", "/api/agents/a1").status_code == 404
        assert {a["team_id"] for a in live.get("m.blue", "/api/agents").json()} == {"blue"}
        assert {a["team_id"] for a in live.get("m.blue", "/api/metrics/agents").json()} == {"blue"}
        assert live.get("m.blue", f"/api/conversations/{conv}/messages").status_code == 404
        assert live.post("m.blue", f"/api/conversations/{conv}/join").status_code == 404
        assert live.post("m.blue", f"/api/contacts/{cid}/take-over").status_code == 404
        events = live.get("m.blue", "/api/events").json()
        assert all(e["team_id"] in (None, "blue") for e in events)
        # m.red can
        assert live.get("m.red", f"/api/contacts/{cid}").status_code == 200
        assert live.post("m.red", f"/api/conversations/{conv}/join").status_code == 200


def test_roles_are_enforced(live: Live) -> None:
    assert (
        live.post("a1", "/api/contacts", {"queue_id": "plans", "customer_ref": "x"}).status_code
        == 403
    )
    assert live.get("m.red", "/api/users").status_code == 403
    body = {"username": "x", "password": "long enough", "role": "admin"}
    assert live.post("m.red", "/api/users", body).status_code == 403
    assert live.post("admin", "/api/users", body).status_code == 201
    assert live.get("a1", "/api/metrics/queues").status_code == 403


def test_login_attempts_are_rate_limited(live: Live) -> None:
    def attempt(password: str) -> int:
        body = {"username": "a1", "password": password}
        return int(live.client.post("/api/auth/login", json=body).status_code)

    assert [attempt("wrong") for _ in range(5)] == [401] * 5
    assert attempt("wrong") == 429
    assert attempt("correct horse battery") == 429, "even the right password waits"
    live.clock.advance(61)
    assert attempt("correct horse battery") == 200


def test_sessions_table_holds_only_keyed_hashes(db_url: str) -> None:
    from sqlalchemy import select

    from homeshore.db.tables import SessionRow
    from homeshore.services.auth import token_hash
    from tests.services.support import live_app

    with live_app(db_url, secret_key="server secret") as live:
        token = live.login("a1")
        with live.platform.sessions() as session:
            stored = set(session.scalars(select(SessionRow.token_hash)))
        assert token not in stored
        assert token_hash(token) not in stored, "plain SHA-256 would not need the secret"
        assert token_hash(token, "server secret") in stored
        assert live.get("a1", "/api/auth/me").status_code == 200


def test_no_page_of_the_api_loads_scripts_from_elsewhere(live: Live) -> None:
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert live.client.get(path).status_code == 404, path
    assert live.client.get("/openapi.json").json()["info"]["title"]


def test_openapi_documents_every_refusal_in_one_shape(live: Live) -> None:
    from homeshore.api.openapi import ErrorOut

    schema = live.client.get("/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            codes = set(operation["responses"])
            public = path in ("/api/auth/login", "/api/health")
            expected = {"422"} | ({"401", "403"} if not public else set())
            if path == "/api/auth/login":
                expected.add("429")
            if "{" in path:
                expected.add("404")
            if method != "get":
                expected.add("409" if path != "/api/auth/login" else "503")
            assert expected <= codes, f"{method} {path}: {sorted(expected - codes)} missing"
            for code in expected:
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"] == error, f"{method} {path} {code}"
    # the answers have that shape
    ErrorOut.model_validate(live.client.get("/api/contacts").json())
    ErrorOut.model_validate(live.post("a1", "/api/contacts/1/accept").json())
