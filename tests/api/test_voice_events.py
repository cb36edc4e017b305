"""Kamailio's reports of calls (POST /api/voice/events) and the softphone credential,
through the real app, without the engines (tests/voice runs them)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from homeshore.data.scenario_file import load_scenario
from homeshore.voice.credentials import control_token
from tests.api.probe_client import measured_check
from tests.services.support import Live, live_app

SECRET = "voice-test-secret"
SCENARIO = Path(__file__).resolve().parents[1] / "voice" / "data" / "voice.yaml"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    with live_app(
        f"sqlite:///{tmp_path / 'live.db'}",
        scenario=load_scenario(SCENARIO),
        voice=True,
        voice_secret=SECRET,
        voice_sip_domain="homeshore.test",
    ) as running:
        yield running


def _report(live: Live, token: str | None = None, **body: Any) -> Any:
    headers = {"Authorization": f"Bearer {token or control_token(SECRET)}"}
    return live.client.post("/api/voice/events", json=body, headers=headers)


def test_a_call_becomes_a_voice_contact_of_the_queue_its_number_reaches(live: Live) -> None:
    answer = _report(live, event="call.new", call_id="c1@trunk", dialled="+33900000001",
                     caller="+33612345678")  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["action"] == "queue"
    contact = live.get("admin", f"/api/contacts/{answer.json()['contact_id']}").json()
    assert (contact["queue_id"], contact["channel"], contact["state"]) == (
        "plans",
        "voice",
        "queued",
    )
    assert (contact["external_id"], contact["customer_ref"]) == ("sip:c1@trunk", "+33612345678")
    # the same report again (a retry) finds the same contact
    again = _report(live, event="call.new", call_id="c1@trunk", dialled="plans", caller="x")
    assert again.json()["contact_id"] == contact["id"]


@pytest.mark.parametrize(
    ("dialled", "code"), [("+33900000009", 480), ("+33999999999", 404), ("legal", 404)]
)
def test_closed_queues_and_unknown_numbers_are_refused_without_a_contact(
    live: Live, dialled: str, code: int
) -> None:
    answer = _report(live, event="call.new", call_id="c2", dialled=dialled, caller="c")
    assert answer.json()["action"] == "refuse" and answer.json()["code"] == code
    assert live.get("admin", "/api/contacts").json() == []


def test_hanging_up_while_waiting_abandons_and_a_late_report_is_refused(live: Live) -> None:
    made = _report(live, event="call.new", call_id="c3", dialled="plans", caller="c").json()
    live.clock.advance(42)
    gone = _report(live, event="call.cancel", call_id="c3")
    assert gone.json()["result"] == "abandoned"
    contact = live.get("admin", f"/api/contacts/{made['contact_id']}").json()
    assert contact["state"] == "abandoned" and contact["wait_s"] == pytest.approx(42)
    # reports can cross: a CANCEL handled before its call.new makes that call.new refused
    assert _report(live, event="call.cancel", call_id="c4").json()["result"] == "unknown"
    late = _report(live, event="call.new", call_id="c4", dialled="plans", caller="c").json()
    assert (late["action"], late["code"]) == ("refuse", 487)


def test_voice_reports_need_the_engines_token(live: Live) -> None:
    body = {"event": "call.new", "call_id": "c5", "dialled": "plans"}
    live.client.cookies.clear()
    assert live.client.post("/api/voice/events", json=body).status_code == 401
    assert _report(live, token="forged", **body).status_code == 401
    # a user's session is not the engines' token either
    assert live.post("admin", "/api/voice/events", body).status_code == 401
    assert _report(live, event="call.nope", call_id="c5").status_code == 422
    assert _report(live, event="call.new", call_id="").status_code == 422
    assert live.get("admin", "/api/contacts").json() == []


def test_the_softphone_credential_is_the_advisors_own(live: Live) -> None:
    own = live.get("a1", "/api/voice/softphone")
    assert own.status_code == 200, own.text
    body = own.json()
    assert body["uri"] == "sip:a1@homeshore.test"
    expiry, agent = body["username"].split(":")
    assert agent == "a1"
    # what Kamailio's auth_ephemeral recomputes from the shared secret
    digest = hmac.new(SECRET.encode(), body["username"].encode(), hashlib.sha1).digest()
    assert body["password"] == base64.b64encode(digest).decode()
    now_s = live.clock.now().timestamp()
    assert now_s < int(expiry) <= now_s + live.platform.settings.voice_credential_ttl_s
    assert live.get("admin", "/api/voice/softphone").status_code == 403
    assert live.get("m.red", "/api/voice/softphone").status_code == 403
    live.client.cookies.clear()
    assert live.client.get("/api/voice/softphone").status_code == 401


def test_voice_off_says_how_to_turn_it_on(tmp_path: Path) -> None:
    with live_app(f"sqlite:///{tmp_path / 'live.db'}") as live:
        answer = live.get("a1", "/api/voice/softphone")
        assert answer.status_code == 404 and "--voice" in answer.json()["detail"]
        assert _report(live, event="call.new", call_id="x").status_code == 401


def test_hold_and_quality_only_for_the_advisors_own_call(live: Live) -> None:
    made = _report(live, event="call.new", call_id="c6", dialled="plans", caller="c").json()
    path = f"/api/voice/contacts/{made['contact_id']}"
    sample = {"rtt_ms": 20, "jitter_ms": 2, "loss_pct": 0}
    # a waiting call is in nobody's hands: to an advisor, as if it did not exist
    assert live.post("a1", f"{path}/hold", {"on": True}).status_code == 404
    assert live.post("a1", f"{path}/quality", sample).status_code == 404
    assert live.post("admin", f"{path}/hold", {"on": True}).status_code == 403
    assert live.post("a1", "/api/voice/contacts/999/quality", sample).status_code == 404
    for bad in ({"rtt_ms": -1, "jitter_ms": 0, "loss_pct": 0}, {**sample, "loss_pct": 101}):
        assert live.post("a1", f"{path}/quality", bad).status_code == 422
    assert live.post("a1", f"{path}/hold", {"on": "maybe"}).status_code == 422


def _answered_by_a1(live: Live, call_id: str) -> int:
    """A call announced and accepted as Kamailio and a1's desk would (voice off: no
    engines to put it through); its contact id."""
    live.go("a1", "available")
    body = {"queue_id": "plans", "customer_ref": "c", "external_id": f"sip:{call_id}"}
    cid: int = live.post("admin", "/api/contacts", body).json()["id"]
    assert live.post("a1", f"/api/contacts/{cid}/accept").json()["state"] == "active"
    return cid


def test_a_call_lost_on_its_way_to_the_softphone_is_recorded_and_ends(tmp_path: Path) -> None:
    from homeshore.services import voice

    with live_app(f"sqlite:///{tmp_path / 'live.db'}") as live, live.ws("a1"):
        cid = _answered_by_a1(live, "lost-1")
        # the softphone did not answer in time: Kamailio reports call.failed (408)
        assert live.on_loop(voice.call_failed, live.platform, "lost-1", code=408) == "failed"
        assert live.get("a1", f"/api/contacts/{cid}").json()["state"] == "wrap_up"
        events = live.get("admin", "/api/events").json()
        [failed] = [e for e in events if e["type"] == "call.failed" and e["contact_id"] == cid]
        assert failed["data"]["reason"] == "softphone answered 408"
        assert failed["agent_id"] == "a1"
        # a report about a call homeshore does not know changes nothing
        assert live.on_loop(voice.call_failed, live.platform, "other", code=408) == "unknown"


@pytest.mark.parametrize("by", ["caller", "agent"])
def test_a_hung_up_call_goes_to_wrap_up_saying_who_hung_up(tmp_path: Path, by: str) -> None:
    from homeshore.services import voice

    with live_app(f"sqlite:///{tmp_path / 'live.db'}") as live, live.ws("a1"):
        cid = _answered_by_a1(live, "talk-1")
        assert live.on_loop(voice.call_ended, live.platform, "talk-1", by=by) == "ended"
        assert live.get("a1", f"/api/contacts/{cid}").json()["state"] == "wrap_up"
        events = live.get("admin", "/api/events").json()
        [ended] = [e for e in events if e["type"] == "contact.ended" and e["contact_id"] == cid]
        assert ended["data"]["ended_by"] == by
        # the BYE's answer crossing a second report changes nothing
        assert live.on_loop(voice.call_ended, live.platform, "talk-1", by=by) == "wrap_up"


def test_listening_is_for_the_managers_of_an_answered_call(live: Live) -> None:
    made = _report(live, event="call.new", call_id="c7", dialled="plans", caller="c").json()
    path = f"/api/voice/contacts/{made['contact_id']}/listen"
    assert live.post("a1", path).status_code == 403  # advisors do not listen
    assert live.post("admin", path).status_code == 403  # managers only
    waiting = live.post("m.red", path)
    assert waiting.status_code == 409, waiting.text  # a waiting call is in nobody's hands
    assert live.post("m.red", "/api/voice/contacts/999/listen").status_code == 404
    # answering or stopping a listening that is not the manager's own
    answer = {"sdp": "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"}
    assert (
        live.client.put(
            f"{path}/nope/caller", json=answer, headers=live.headers("m.red")
        ).status_code
        == 404
    )
    assert live.client.delete(f"{path}/nope", headers=live.headers("m.red")).status_code == 404
    assert (
        live.client.put(
            f"{path}/x%20y/caller", json=answer, headers=live.headers("m.red")
        ).status_code
        == 422
    )
    # whispering: only in the manager's own listening; the offer only for the advisor
    assert live.post("m.red", f"{path}/nope/whisper", answer).status_code == 404
    assert (
        live.client.delete(f"{path}/nope/whisper", headers=live.headers("m.red")).status_code == 404
    )
    offer_path = f"/api/voice/contacts/{made['contact_id']}/whisper/nope"
    assert live.get("a1", offer_path).status_code == 404
    assert live.client.put(offer_path, json=answer, headers=live.headers("a1")).status_code == 404
    assert live.post("m.red", f"{path}/nope/whisper", {"sdp": ""}).status_code == 422
    boss = live.client.put(f"{path}/s1/boss", json=answer, headers=live.headers("m.red"))
    assert boss.status_code == 422  # a party is the caller or the advisor
    long = {"sdp": "v=0" + "a" * 20_001}
    assert (
        live.client.put(f"{path}/s1/caller", json=long, headers=live.headers("m.red")).status_code
        == 422
    )


def test_listening_needs_voice_on(tmp_path: Path) -> None:
    with live_app(f"sqlite:///{tmp_path / 'live.db'}") as live:
        off = live.post("m.red", "/api/voice/contacts/1/listen")
        assert off.status_code == 404 and "voice is off" in off.text


def test_call_quality_per_call_and_per_advisor_with_the_low_flag(tmp_path: Path) -> None:
    from homeshore.services import voice
    from homeshore.services.scope import Actor, Role

    a1 = Actor(
        user_id=1, username="a1", role=Role.AGENT, agent_id="a1", team_ids=frozenset({"red"})
    )
    with live_app(f"sqlite:///{tmp_path / 'live.db'}", voice_low_mos=4.0) as live, live.ws("a1"):
        cid = _answered_by_a1(live, "q-1")
        # a clean sample, then a degraded one (300 ms, 5 % loss): below the threshold 4.0
        for rtt, loss in ((20.0, 0.0), (300.0, 5.0)):
            live.on_loop(voice.record_quality, live.platform, a1, cid, rtt_ms=rtt, jitter_ms=2.0,
                         loss_pct=loss)  # fmt: skip
        samples = [
            e for e in live.get("admin", "/api/events").json() if e["type"] == "call.quality"
        ]
        assert [s["data"]["low"] for s in samples] == [False, True]

        report = live.get("m.red", "/api/voice/quality").json()
        assert report["low_mos"] == 4.0
        [call] = report["calls"]
        assert (call["contact_id"], call["agent_id"], call["samples"]) == (cid, "a1", 2)
        assert call["min_mos"] < 4.0 <= max(s["data"]["mos"] for s in samples)
        assert call["low_samples"] == 1
        [advisor] = report["advisors"]
        assert (advisor["agent_id"], advisor["calls"], advisor["low_calls"]) == ("a1", 1, 1)
        assert advisor["mean_mos"] == pytest.approx(
            sum(s["data"]["mos"] for s in samples) / 2, abs=0.01
        )
        # scope: the advisor sees their own calls, another team's manager none
        assert live.get("a1", "/api/voice/quality").json()["calls"] == report["calls"]
        assert live.get("m.blue", "/api/voice/quality").json()["calls"] == []
        assert live.get("b1", "/api/voice/quality").json()["calls"] == []
        # another day has nothing; a bad day is named
        assert live.get("admin", "/api/voice/quality?day=2000-01-03").json()["calls"] == []
        assert live.get("admin", "/api/voice/quality?day=yesterday").status_code == 422


def test_an_advisor_cannot_log_off_with_a_caller_on_the_line(tmp_path: Path) -> None:
    from homeshore.services import voice

    with live_app(f"sqlite:///{tmp_path / 'live.db'}") as live, live.ws("a1"):
        cid = _answered_by_a1(live, "up-1")
        refused = live.post("a1", "/api/agents/a1/state", {"state": "offline"})
        assert refused.status_code == 409 and "caller is still on the line" in refused.text
        assert live.get("a1", f"/api/contacts/{cid}").json()["state"] == "active"
        # the call ends: then the advisor may leave (the wrap-up closes with the log-off)
        assert live.on_loop(voice.call_ended, live.platform, "up-1", by="caller") == "ended"
        assert live.post("a1", "/api/agents/a1/state", {"state": "offline"}).status_code == 200


def test_a_softphone_gone_mid_call_sends_the_call_to_wrap_up_as_dropped(
    live: Live, tmp_path: Path
) -> None:
    from homeshore.services import voice

    # the report itself: only the reasons Kamailio gives; an unknown call changes nothing
    bogus = _report(live, event="call.dropped", call_id="d0", reason="bored")
    assert bogus.status_code == 422
    unknown = _report(live, event="call.dropped", call_id="d0", reason="softphone_closed")
    assert unknown.json()["result"] == "unknown"
    with live_app(f"sqlite:///{tmp_path / 'off.db'}") as off, off.ws("a1"):
        cid = _answered_by_a1(off, "drop-1")
        result = off.on_loop(voice.call_dropped, off.platform, "drop-1", reason="softphone_closed")
        assert result == "dropped"
        contact = off.get("a1", f"/api/contacts/{cid}").json()
        assert (contact["state"], contact["agent_id"]) == ("wrap_up", "a1")
        about = [e for e in off.get("admin", "/api/events").json() if e["contact_id"] == cid]
        [dropped] = [e for e in about if e["type"] == "call.dropped"]
        assert (dropped["data"]["reason"], dropped["agent_id"]) == ("softphone_closed", "a1")
        [ended] = [e for e in about if e["type"] == "contact.ended"]
        assert ended["data"]["ended_by"] == "dropped"
        # the caller's BYE during the message, reported after: nothing more happens
        assert off.on_loop(voice.call_ended, off.platform, "drop-1", by="caller") == "wrap_up"


def test_a_manager_logging_off_an_advisor_on_a_call_closes_it_to_be_called_back(
    tmp_path: Path,
) -> None:
    """The caller was answered: the call cannot go back to the queue for another advisor
    (nobody could reach the caller through it). It is dropped (the engines tell the caller
    and end it) and closed as to be called back, by the manager who logged the advisor off."""
    with live_app(f"sqlite:///{tmp_path / 'live.db'}") as live, live.ws("a1"):
        cid = _answered_by_a1(live, "off-1")
        off = live.post("m.red", "/api/agents/a1/state", {"state": "offline"})
        assert off.status_code == 200, off.text
        contact = live.get("admin", f"/api/contacts/{cid}").json()
        assert (contact["state"], contact["disposition"]) == ("completed", "callback")
        assert contact["ended_at"] is not None and contact["closed_at"] is not None
        about = [e for e in live.get("admin", "/api/events").json() if e["contact_id"] == cid]
        types = [e["type"] for e in about]
        assert "contact.requeued" not in types
        assert types.index("call.dropped") < types.index("contact.completed")
        [dropped] = [e for e in about if e["type"] == "call.dropped"]
        assert dropped["data"]["reason"] == "agent logged off"
        me = live.get("m.red", "/api/auth/me").json()
        assert dropped["actor_user_id"] == me["user_id"]
        # nothing is left waiting or in a1's hands
        assert live.get("admin", "/api/contacts?state=queued").json() == []


def test_the_readiness_echo_is_an_advisors_own_and_needs_the_relay(
    live: Live, tmp_path: Path
) -> None:
    """The echo through the media relay (tests/voice/test_readiness.py runs it for real):
    advisors only, one's own session only; no relay answering: 503 and the page falls back
    to the websocket probes; voice off: 404 saying how to turn it on."""
    assert live.post("m.red", "/api/voice/readiness").status_code == 403
    down = live.post("h1", "/api/voice/readiness")
    assert down.status_code == 503 and "rtpengine" in down.text
    sdp = {"sdp": "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"}
    assert (
        live.client.put(
            "/api/voice/readiness/nope", json=sdp, headers=live.headers("h1")
        ).status_code
        == 404
    )
    assert (
        live.client.delete("/api/voice/readiness/nope", headers=live.headers("h1")).status_code
        == 404
    )
    with live_app(f"sqlite:///{tmp_path / 'off.db'}") as off:
        answer = off.post("h1", "/api/voice/readiness")
        assert answer.status_code == 404 and "voice" in answer.text.lower()


def test_call_quality_per_way_of_working_and_home_set_up(tmp_path: Path) -> None:
    """What a pilot compares: calls from the site, and from home per declared set-up (the
    set-up of the advisor's last readiness check, kept with each sample)."""
    from homeshore.services import voice
    from homeshore.services.scope import Actor, Role

    with (
        live_app(f"sqlite:///{tmp_path / 'live.db'}") as live,
        live.ws("a1"),
        live.ws("h1"),
    ):
        check = {"wired": False, "usb_headset": True, "access": "dsl"}
        assert measured_check(live, "h1", **check).json()["check"]["verdict"] != "fail"
        unknown = {**check, "access": "cable-modem", "probe_id": "x"}
        assert live.post("h1", "/api/readiness/probe", unknown).status_code == 422
        me = {u: live.get(u, "/api/auth/me").json()["user_id"] for u in ("a1", "h1")}
        actors = {
            "a1": Actor(me["a1"], "a1", Role.AGENT, agent_id="a1", team_ids=frozenset({"red"})),
            "h1": Actor(me["h1"], "h1", Role.AGENT, agent_id="h1", team_ids=frozenset({"blue"})),
        }
        for n, (agent, location, rtt) in enumerate(
            [("a1", "site", 20.0), ("h1", "home", 120.0), ("h1", "home", 160.0)]
        ):
            assert live.go(agent, "available", location=location).status_code == 200
            body = {"queue_id": "plans", "customer_ref": "c", "external_id": f"sip:w-{n}"}
            cid = live.post("admin", "/api/contacts", body).json()["id"]
            assert live.post(agent, f"/api/contacts/{cid}/accept").status_code == 200
            live.on_loop(voice.record_quality, live.platform, actors[agent], cid, rtt_ms=rtt,
                         jitter_ms=2.0, loss_pct=0.0)  # fmt: skip
            assert live.on_loop(voice.call_ended, live.platform, f"w-{n}", by="caller") == "ended"
            done = {"disposition": "resolved", "next_state": "break"}
            assert live.post(agent, f"/api/contacts/{cid}/wrap-up", done).status_code == 200
        report = live.get("admin", "/api/voice/quality").json()
        setups = {(s["location"], s["setup"]): s for s in report["setups"]}
        assert set(setups) == {("site", ""), ("home", "wifi,usb_headset,dsl,?")}
        home = setups["home", "wifi,usb_headset,dsl,?"]
        assert (home["advisors"], home["calls"], home["samples"]) == (1, 2, 2)
        assert setups["site", ""]["mean_mos"] > home["mean_mos"]
        assert {c["location"] for c in report["calls"]} == {"site", "home"}
