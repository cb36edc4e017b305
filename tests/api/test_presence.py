"""Right to disconnect (the published schedule) and home readiness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.services.metrics import publish_queue_kpis
from tests.api.probe_client import measured_check
from tests.services.support import START, Live, live_app, next_event


def _schedule() -> Schedule:
    def seg(agent: str, start_h: float, end_h: float, activity: Activity) -> ScheduleSegment:
        day = START.replace(hour=0, minute=0)
        return ScheduleSegment(
            agent,
            day + dt.timedelta(hours=start_h),
            day + dt.timedelta(hours=end_h),
            activity,
            WorkMode.SITE,
            site="lyon",
            queue="plans" if activity is Activity.WORK else None,
        )

    # START is 10:00: a1 works 9-10:30 then has a break; a2 only starts at 11:00
    return Schedule.of(
        [
            seg("a1", 9, 10.5, Activity.WORK),
            seg("a1", 10.5, 10.75, Activity.BREAK),
            seg("a2", 11, 17, Activity.WORK),
        ]
    )


def test_no_offer_outside_scheduled_time(db_url: str) -> None:
    with (
        live_app(db_url, schedule=_schedule(), unscheduled_agents="deny") as live,
        live.ws("a2"),
        live.ws("a1"),
    ):
        r = live.go("a2", "available")
        assert r.status_code == 409
        assert "right to disconnect" in r.json()["detail"]
        assert live.go("a1", "available").status_code == 200
        live.tick(31 * 60)  # 10:31: a1's break began
        contact = live.new_contact("plans")
        assert contact["state"] == "queued", "a1 is on a scheduled break"
        live.tick(30 * 60)  # 11:01: a2's shift began
        assert live.go("a2", "available").json()["contacts"] == [contact["id"]]
        metrics = {m["agent_id"]: m for m in live.get("m.red", "/api/metrics/agents").json()}
        assert metrics["a1"]["scheduled_activity"] is None
        assert metrics["a2"]["scheduled_activity"] == "work"
        assert metrics["a2"]["in_adherence"] is True
        assert 0.0 <= metrics["a1"]["adherence_today"] <= 1.0


def test_no_push_from_others_outside_scheduled_time(db_url: str) -> None:
    with (
        live_app(db_url, schedule=_schedule(), unscheduled_agents="deny") as live,
        live.ws("a1") as ws,
    ):
        live.go("a1", "available")
        contact = live.new_contact("plans")
        cid = contact["id"]
        live.post("a1", f"/api/contacts/{cid}/accept")
        conv = live.post("a1", f"/api/contacts/{cid}/help", {"body": "help"}).json()["id"]
        live.post("a1", f"/api/contacts/{cid}/complete")
        live.post(
            "a1", f"/api/contacts/{cid}/wrap-up", {"disposition": "ok", "next_state": "offline"}
        )
        live.tick(60 * 60)  # 11:00, after a1's day
        live.post("m.red", f"/api/conversations/{conv}/messages", {"body": "late question"})
        live.post("m.red", f"/api/conversations/{conv}/messages", {"body": "another"})
        ws.send_json({"type": "ping"})
        # the manager's messages are held back: the next thing a1 hears is its pong
        while True:
            message = ws.receive_json()
            if message.get("type") == "pong":
                break
            assert message.get("type") != "message.created" or message["data"]["sender"] == "agent"


def test_home_work_needs_a_passed_readiness_check(live: Live) -> None:
    with live.ws("h1"):
        r = live.go("h1", "available", location="home")
        assert r.status_code == 409
        assert "readiness" in r.json()["detail"]
        bad = {"samples": [{"rtt_ms": 600, "jitter_ms": 50, "loss_pct": 5}] * 5}
        r = live.post("h1", "/api/readiness", bad)
        assert r.status_code == 201
        assert r.json()["verdict"] == "fail"
        assert r.json()["reasons"]
        assert live.go("h1", "available", location="home").status_code == 409
        # samples the desk reported: stored as such, they never open home work
        good = {"samples": [{"rtt_ms": 40, "jitter_ms": 3, "loss_pct": 0}] * 5, "wired": True}
        r = live.post("h1", "/api/readiness", good)
        assert (r.json()["verdict"], r.json()["source"]) == ("pass", "reported")
        assert live.go("h1", "available", location="home").status_code == 409
        # a check the server measured does
        r = measured_check(live, "h1", wired=True)
        assert r.json()["check"]["verdict"] == "pass"
        assert live.go("h1", "available", location="home").json()["state"] == "available"
        checks = live.get("m.blue", "/api/agents/h1/readiness").json()
        assert [(c["verdict"], c["source"]) for c in checks] == [
            ("pass", "measured"),
            ("pass", "reported"),
            ("fail", "reported"),
        ]
        # a failed re-check takes the agent off the home line
        live.post("h1", "/api/readiness", bad)
        assert live.get("h1", "/api/agents/h1").json()["state"] == "break"


def test_site_agent_cannot_work_from_home(live: Live) -> None:
    with live.ws("a1"):
        r = live.go("a1", "available", location="home")
        assert r.status_code == 422
        assert r.json()["field"] == "location"


def test_queue_metrics_follow_the_day(live: Live) -> None:
    with live.ws("a1") as ws:
        live.go("a1", "available")
        fast = live.new_contact("plans")
        slow = live.new_contact("plans")
        lost = live.new_contact("plans")
        live.tick(5)
        live.post("a1", f"/api/contacts/{fast['id']}/accept")
        live.post("a1", f"/api/contacts/{fast['id']}/complete")
        live.tick(25)
        live.post("a1", f"/api/contacts/{fast['id']}/wrap-up", {"disposition": "ok"})
        live.post("a1", f"/api/contacts/{slow['id']}/accept")
        live.post("admin", f"/api/contacts/{lost['id']}/abandon")
        kpis = {k["queue_id"]: k for k in live.get("m.red", "/api/metrics/queues").json()}
        plans = kpis["plans"]
        assert plans["answered_today"] == 2
        assert plans["abandoned_today"] == 1
        assert plans["service_level"] == 1 / 3  # only the first answered within 20 s
        assert plans["asa_s"] == (5 + 30) / 2
        assert plans["abandon_rate"] == 1 / 3
        assert plans["waiting"] == 0
        assert next_event(ws, "contact.offered")


def test_contacts_waiting_past_the_threshold_count_as_offered(live: Live) -> None:
    """Nobody is available: a contact waiting longer than its queue's threshold is offered
    and not answered in time; one still under the threshold is undecided."""
    live.new_contact("plans")  # threshold 20 s
    live.tick(25)
    live.new_contact("plans")
    live.tick(5)
    plans = {k["queue_id"]: k for k in live.get("m.red", "/api/metrics/queues").json()}["plans"]
    assert plans["waiting"] == 2
    assert plans["offered_today"] == 1
    assert plans["answered_today"] == 0
    assert plans["service_level"] == 0.0
    assert plans["oldest_wait_s"] == 30


def test_queue_kpis_are_published_to_supervisors_when_they_change(live: Live) -> None:
    """The ticker's ``queue.kpis`` event: the day's figures (aggregated off the event loop)
    and the waiting line; not sent again while nothing changed and nobody waits."""
    portal = live.client.portal
    assert portal is not None
    platform = live.platform
    with live.ws("m.red") as ws:
        assert portal.call(publish_queue_kpis, platform) is True
        first = {q["queue_id"]: q for q in next_event(ws, "queue.kpis")["data"]["queues"]}
        assert first["plans"]["waiting"] == 0 and first["plans"]["offered_today"] == 0
        assert portal.call(publish_queue_kpis, platform) is False  # nothing changed
        live.new_contact("plans")
        live.tick(25)
        assert portal.call(publish_queue_kpis, platform) is True
        event = next_event(ws, "queue.kpis")
        plans = {q["queue_id"]: q for q in event["data"]["queues"]}["plans"]
        assert (plans["waiting"], plans["offered_today"], plans["oldest_wait_s"]) == (1, 1, 25)


def _good_check(live: Live) -> Any:
    """A check the server measured, passed."""
    return measured_check(live, "h1", wired=True)


def test_a_home_check_expires_and_is_asked_again_at_the_next_shift_not_mid_shift(
    tmp_path: Path,
) -> None:
    with (
        live_app(f"sqlite:///{tmp_path / 'live.db'}", readiness_valid_days=0.01) as live,
        live.ws("h1"),
    ):
        assert _good_check(live).json()["check"]["verdict"] == "pass"
        assert live.go("h1", "available", location="home").json()["state"] == "available"
        live.clock.advance(3600)  # past 0.01 day (14.4 min)
        # mid-shift: a break and back again is not refused, the desk says a check is due
        assert live.go("h1", "break", location=None).status_code == 200
        assert live.go("h1", "available", location=None).status_code == 200
        assert live.get("h1", "/api/pages/agent").json()["agent"]["readiness_due"] == "expired"
        # the next shift from home waits for a new check; from the site it does not
        assert live.go("h1", "offline", location=None).status_code == 200
        refused = live.go("h1", "available", location="home")
        assert refused.status_code == 409 and "due again" in refused.json()["detail"]
        assert live.go("h1", "available", location="site").status_code == 200
        assert live.go("h1", "offline", location=None).status_code == 200
        assert _good_check(live).status_code == 201
        assert live.get("h1", "/api/pages/agent").json()["agent"]["readiness_due"] == ""
        assert live.go("h1", "available", location="home").status_code == 200
        # after a restart the check's date comes back from the database
        live.on_loop(live.platform.reload)
        h1 = live.platform.agents["h1"]
        assert h1.readiness_at is not None
        live.clock.advance(3600)
        assert live.platform.readiness_due(h1, live.clock.now()) == "expired"


def test_calls_in_a_row_with_a_poor_quality_make_the_check_due_at_the_next_home_shift(
    tmp_path: Path,
) -> None:
    from homeshore.services import voice
    from homeshore.services.scope import Actor, Role

    with live_app(f"sqlite:///{tmp_path / 'live.db'}") as live, live.ws("h1") as ws:
        assert _good_check(live).json()["check"]["verdict"] == "pass"
        assert live.go("h1", "available", location="home").json()["state"] == "available"
        me = live.get("h1", "/api/auth/me").json()
        h1 = Actor(me["user_id"], "h1", Role.AGENT, agent_id="h1", team_ids=frozenset({"blue"}))

        def call(n: int, *, poor: bool) -> None:
            body = {"queue_id": "plans", "customer_ref": "c", "external_id": f"sip:q-{n}"}
            cid = live.post("admin", "/api/contacts", body).json()["id"]
            assert live.post("h1", f"/api/contacts/{cid}/accept").status_code == 200
            rtt = 900.0 if poor else 30.0  # MOS well under / over voice_low_mos
            live.on_loop(voice.record_quality, live.platform, h1, cid, rtt_ms=rtt,
                         jitter_ms=2.0, loss_pct=0.0)  # fmt: skip
            assert live.on_loop(voice.call_ended, live.platform, f"q-{n}", by="caller") == "ended"
            wrapped = {"disposition": "resolved", "next_state": "available"}
            assert live.post("h1", f"/api/contacts/{cid}/wrap-up", wrapped).status_code == 200

        # two poor calls, a good one (the run starts again), then three poor ones in a row
        for n, poor in enumerate([True, True, False, True, True]):
            call(n, poor=poor)
        assert live.platform.agents["h1"].readiness_due == ""
        call(5, poor=True)
        due = next_event(ws, "readiness.due", limit=500)
        assert (due["data"]["reason"], due["data"]["calls"]) == ("bad_calls", 3)
        # this shift goes on (still routable), the next one from home needs a check
        assert live.get("h1", "/api/agents/h1").json()["state"] == "available"
        assert live.go("h1", "offline", location=None).status_code == 200
        assert live.go("h1", "available", location="home").status_code == 409
        assert _good_check(live).status_code == 201
        assert live.go("h1", "available", location="home").status_code == 200


def _h1_rostered_at_the_site(from_h: float) -> Schedule:
    """h1 (a home volunteer) works at the Lyon site today from `from_h` o'clock to 17:00."""
    day = START.replace(hour=0, minute=0)
    work = ScheduleSegment(
        "h1",
        day + dt.timedelta(hours=from_h),
        day + dt.timedelta(hours=17),
        Activity.WORK,
        WorkMode.SITE,
        site="lyon",
        queue="plans",
    )
    return Schedule.of([work])


def _mismatches(live: Live) -> list[dict[str, Any]]:
    events = live.get("admin", "/api/events?limit=500").json()
    return [e["data"] for e in events if e["type"] == "agent.location_mismatch"]


def _h1_kpis(live: Live) -> dict[str, Any]:
    rows = {m["agent_id"]: m for m in live.get("m.blue", "/api/metrics/agents").json()}
    return rows["h1"]


def test_home_on_a_site_day_is_recorded_and_out_of_adherence(db_url: str) -> None:
    with live_app(db_url, schedule=_h1_rostered_at_the_site(9)) as live, live.ws("h1"):
        assert _good_check(live).json()["check"]["verdict"] == "pass"
        assert live.go("h1", "available", location="home").json()["state"] == "available"
        assert _mismatches(live) == [{"declared": "home", "rostered": "site"}]
        kpis = _h1_kpis(live)
        assert (kpis["location_as_scheduled"], kpis["in_adherence"]) == (False, False)
        # a break and back from the same place: recorded once, not at every change
        live.go("h1", "break", location=None)
        live.go("h1", "available", location=None)
        assert len(_mismatches(live)) == 1
        # back on site, where rostered: in adherence again
        live.go("h1", "offline", location=None)
        assert live.go("h1", "available", location="site").status_code == 200
        kpis = _h1_kpis(live)
        assert (kpis["location_as_scheduled"], kpis["in_adherence"]) == (True, True)
        assert len(_mismatches(live)) == 1


def test_home_on_a_site_day_can_be_refused_by_the_agreement(db_url: str) -> None:
    schedule = _h1_rostered_at_the_site(9)
    with (
        live_app(db_url, schedule=schedule, home_off_schedule="refuse") as live,
        live.ws("h1"),
    ):
        assert _good_check(live).json()["check"]["verdict"] == "pass"
        refused = live.go("h1", "available", location="home")
        assert refused.status_code == 409
        assert "on a site or in a telecentre today, not at home" in refused.json()["detail"]
        assert live.get("h1", "/api/agents/h1").json()["state"] == "offline"
        assert live.go("h1", "available", location="site").status_code == 200
        assert _mismatches(live) == []
        assert _h1_kpis(live)["location_as_scheduled"] is True


def test_without_a_schedule_there_is_nothing_to_compare(db_url: str) -> None:
    with live_app(db_url) as live, live.ws("h1"):
        assert _good_check(live).json()["check"]["verdict"] == "pass"
        assert live.go("h1", "available", location="home").status_code == 200
        assert _mismatches(live) == []
        assert _h1_kpis(live)["location_as_scheduled"] is None
