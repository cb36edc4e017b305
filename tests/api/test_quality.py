"""Quality monitoring through the API: a manager evaluates its teams' contacts on the
scenario's forms, the customer's satisfaction is posted after the contact, and both are
summed per advisor, team and way of working."""

from __future__ import annotations

from typing import Any

from tests.api.probe_client import measured_check
from tests.services.support import Live, next_event

ALL_MET = {"greeting": "met", "identity": "met", "answer": "met"}


def _handled(live: Live, agent: str, *, location: str = "site", queue: str = "plans") -> int:
    """One contact answered by ``agent`` (its desk open) and wrapped up: its id."""
    with live.ws(agent):
        assert live.go(agent, "available", location=location).status_code == 200
        cid: int = live.new_contact(queue)["id"]
        assert live.post(agent, f"/api/contacts/{cid}/accept").status_code == 200
        assert live.post(agent, f"/api/contacts/{cid}/complete").status_code == 200
        done = {"disposition": "solved", "next_state": "offline"}
        assert live.post(agent, f"/api/contacts/{cid}/wrap-up", done).status_code == 200
    return cid


def _evaluate(live: Live, who: str, cid: int, **ratings: str) -> Any:
    body = {"form_id": "calls", "ratings": {**ALL_MET, **ratings}, "comment": "Clear answer"}
    return live.post(who, f"/api/contacts/{cid}/evaluations", body)


def test_a_manager_evaluates_a_completed_call_and_the_advisor_sees_it(live: Live) -> None:
    with live.ws("a1") as ws:
        cid = _handled(live, "a1")
        r = _evaluate(live, "m.red", cid, answer="partly")
        assert r.status_code == 201, r.text
        evaluation = r.json()
        assert evaluation["score_pct"] == 70.0  # (1 + 1 + 3 x 0.5) / 5
        assert evaluation["passed"] is False  # the form passes at 75
        assert evaluation["location"] == "site"
        assert evaluation["sections"] == {"Opening": 100.0, "Handling": 50.0}
        event = next_event(ws, "evaluation.created")
        assert event["data"]["score_pct"] == 70.0
    own = live.get("a1", "/api/evaluations").json()
    assert [e["id"] for e in own] == [evaluation["id"]]
    assert own[0]["comment"] == "Clear answer"
    assert live.get("a2", "/api/evaluations").json() == []
    assert live.get("a2", "/api/evaluations?agent_id=a1").status_code == 403
    assert live.get("a2", f"/api/evaluations/{evaluation['id']}").status_code == 404
    assert live.get("m.blue", f"/api/evaluations/{evaluation['id']}").status_code == 404
    forms = live.get("a1", "/api/quality/forms").json()
    assert [f["id"] for f in forms] == ["calls", "chats"]
    assert forms[0]["sections"][0]["questions"][1]["critical"] is True


def test_an_evaluation_is_refused_outside_the_managers_teams_or_before_the_end(live: Live) -> None:
    cid = _handled(live, "a1")
    r = _evaluate(live, "m.blue", cid)
    assert r.status_code == 403
    assert "another team" in r.json()["detail"]
    assert _evaluate(live, "a1", cid).status_code == 403  # advisors do not score
    assert _evaluate(live, "m.red", 10**6).status_code == 404
    assert _evaluate(live, "m.red", cid).status_code == 201
    assert _evaluate(live, "m.red", cid).status_code == 409  # once per manager and form
    assert _evaluate(live, "admin", cid, identity="not_met").json()["score_pct"] == 0.0
    with live.ws("a2"):  # a contact still in hand
        live.go("a2", "available")
        open_cid = live.new_contact("plans")["id"]
        live.post("a2", f"/api/contacts/{open_cid}/accept")
        assert _evaluate(live, "m.red", open_cid).status_code == 409
    # a chat contact on the calls form, a missing rating, a rating that does not exist
    chat = _handled(live, "b1", queue="legal")
    r = _evaluate(live, "m.blue", chat)
    assert (r.status_code, r.json()["field"]) == (422, "form_id")
    r = live.post("m.red", f"/api/contacts/{cid}/evaluations", {"form_id": "calls", "ratings": {}})
    assert r.status_code == 422 and "missing greeting" in r.json()["detail"]
    r = _evaluate(live, "m.red", cid, answer="superb")
    assert r.status_code == 422
    r = live.post(
        "m.red",
        f"/api/contacts/{cid}/evaluations",
        {"form_id": "nope", "ratings": ALL_MET},
    )
    assert (r.status_code, r.json()["field"]) == (422, "form_id")


def test_the_customers_satisfaction_is_posted_once_after_the_contact(live: Live) -> None:
    with live.ws("a1"):
        _satisfaction_after_the_contact(live)


def _satisfaction_after_the_contact(live: Live) -> None:
    live.go("a1", "available")
    cid = live.new_contact("plans")["id"]
    live.post("a1", f"/api/contacts/{cid}/accept")
    body = {"csat": 4, "source": "ivr"}
    r = live.post("admin", f"/api/contacts/{cid}/satisfaction", body)
    assert r.status_code == 409 and "still going on" in r.json()["detail"]
    live.post("a1", f"/api/contacts/{cid}/complete")
    # the caller answers the survey while the advisor wraps up
    r = live.post("admin", f"/api/contacts/{cid}/satisfaction", body)
    assert r.status_code == 201, r.text
    assert (r.json()["csat"], r.json()["csat_source"]) == (4, "ivr")
    live.post("a1", f"/api/contacts/{cid}/wrap-up", {"disposition": "ok", "next_state": "offline"})
    stored = live.get("m.red", f"/api/contacts/{cid}").json()
    assert (stored["csat"], stored["state"], stored["location"]) == (4, "completed", "site")
    assert live.post("admin", f"/api/contacts/{cid}/satisfaction", body).status_code == 409
    assert live.post("m.red", f"/api/contacts/{cid}/satisfaction", body).status_code == 403
    for bad in ({"csat": 6, "source": "ivr"}, {"csat": 3, "source": "pigeon"}):
        assert live.post("admin", f"/api/contacts/{cid}/satisfaction", bad).status_code == 422


def test_the_summary_compares_site_and_home_advisors(live: Live) -> None:
    with live.ws("h1"):
        assert measured_check(live, "h1", wired=True).json()["check"]["verdict"] == "pass"
        home = _handled(live, "h1", location="home")
    site = _handled(live, "b1")
    assert _evaluate(live, "m.blue", home).status_code == 201
    assert _evaluate(live, "m.blue", site, greeting="not_met").status_code == 201
    for cid, csat in ((home, 5), (site, 2)):
        body = {"csat": csat, "source": "web"}
        assert live.post("admin", f"/api/contacts/{cid}/satisfaction", body).status_code == 201
    rows = live.get("m.blue", "/api/quality/summary?by=location&period=all").json()
    by_place = {r["group"]: r for r in rows}
    assert by_place["home"]["score_mean_pct"] == 100.0
    assert by_place["site"]["score_mean_pct"] == 80.0
    assert (by_place["home"]["csat_mean"], by_place["home"]["csat_satisfied_share"]) == (5.0, 1.0)
    assert (by_place["site"]["csat_mean"], by_place["site"]["csat_satisfied_share"]) == (2.0, 0.0)
    setups = live.get("m.blue", "/api/quality/summary?by=setup&period=all").json()
    # the home advisor's declared set-up; a site contact has none
    assert {r["group"]: r["evaluations"] for r in setups} == {"wired,?,?,?": 1, "unknown": 1}
    weekly = live.get("m.blue", "/api/quality/summary?by=agent").json()
    assert {r["group"] for r in weekly} == {"h1", "b1"}
    assert all(r["period"] <= live.platform.clock.now().date().isoformat() for r in weekly)
    # another team's manager sees nothing of blue; an advisor only itself
    assert live.get("m.red", "/api/quality/summary?by=agent").json() == []
    assert live.get("m.red", "/api/quality/summary?team_id=blue").status_code == 403
    assert {r["group"] for r in live.get("h1", "/api/quality/summary").json()} == {"h1"}
