"""The home-work gate rests on what the server measured: a client's figures are stored as
reported, bounded, and can only make a verdict worse (security review, finding 5)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from homeshore.db.tables import ReadinessCheckRow
from tests.api.probe_client import measured_check, probe_run
from tests.services.support import Live

PERFECT = {
    "samples": [{"rtt_ms": 1.0, "jitter_ms": 0.0, "loss_pct": 0.0}] * 5,
    "bandwidth_kbps": 1_000_000.0,
    "wired": True,
    "usb_headset": True,
}
CHECKLIST = {"wired": True, "usb_headset": True, "quiet_room": True}


def _perfect_claims(count: int) -> dict[str, Any]:
    return {
        "probes": [{"seq": i, "rtt_ms": 1.0} for i in range(count)],
        "media": [{"rtt_ms": 1.0, "jitter_ms": 0.0, "received": 50, "lost": 0}] * 8,
        **CHECKLIST,
    }


def _last_row(live: Live, agent_id: str) -> ReadinessCheckRow:
    with live.platform.sessions() as session:
        row = session.scalars(
            select(ReadinessCheckRow)
            .where(ReadinessCheckRow.agent_id == agent_id)
            .order_by(ReadinessCheckRow.id.desc())
        ).first()
    assert row is not None
    return row


def test_a_forged_perfect_sample_does_not_let_an_agent_work_from_home(live: Live) -> None:
    """The finding: one made-up perfect sample turned an unknown home agent into a pass."""
    with live.ws("h1"):
        r = live.post("h1", "/api/readiness", PERFECT)
        assert r.status_code == 201, r.text
        h1 = live.platform.agents["h1"]
        assert (h1.readiness, h1.readiness_at) == ("unknown", None)
        assert (r.json()["verdict"], r.json()["source"]) == ("pass", "reported")
        refused = live.go("h1", "available", location="home")
        assert refused.status_code == 409 and "readiness" in refused.json()["detail"]
        # nor after a restart: the last check that may decide is a measured one
        live.on_loop(live.platform.reload)
        assert live.platform.agents["h1"].readiness == "unknown"
        assert live.platform.agents["h1"].readiness_at is None
        assert live.go("h1", "available", location="home").status_code == 409


def test_a_reported_check_can_only_make_the_readiness_worse(live: Live) -> None:
    with live.ws("h1"):
        assert measured_check(live, "h1", **CHECKLIST).json()["check"]["verdict"] == "pass"
        assert live.go("h1", "available", location="home").json()["state"] == "available"
        bad = {"samples": [{"rtt_ms": 600, "jitter_ms": 50, "loss_pct": 5}] * 5}
        assert live.post("h1", "/api/readiness", bad).json()["verdict"] == "fail"
        assert live.get("h1", "/api/agents/h1").json()["state"] == "break"
        assert live.post("h1", "/api/readiness", PERFECT).json()["verdict"] == "pass"
        assert live.platform.agents["h1"].readiness == "fail"
        assert live.go("h1", "available", location="home").status_code == 409
        # a check the server measured lifts it again
        assert measured_check(live, "h1", **CHECKLIST).json()["check"]["verdict"] == "pass"
        assert live.go("h1", "available", location="home").status_code == 200


@pytest.mark.parametrize(
    ("path", "change", "field"),
    [
        (
            "/api/readiness/probe",
            {"transfers": [{"direction": "download", "size_bytes": 400_000, "elapsed_ms": 0.001}]},
            "transfers.0.elapsed_ms",
        ),
        ("/api/readiness", {"bandwidth_kbps": 3.2e9}, "bandwidth_kbps"),
        ("/api/readiness/probe", {"probes": [{"seq": 0, "rtt_ms": 60_001}]}, "rtt_ms"),
        (
            "/api/readiness/probe",
            {"media": [{"rtt_ms": 1, "jitter_ms": 60_001, "received": 50, "lost": 0}]},
            "jitter_ms",
        ),
    ],
)
def test_impossible_reported_figures_are_refused_naming_the_field(
    live: Live, path: str, change: dict[str, Any], field: str
) -> None:
    """3.2 Tbit/s (400 kB in a microsecond), a round trip over a minute: refused, 422."""
    base: dict[str, Any] = PERFECT if path == "/api/readiness" else {"probe_id": "x"}
    r = live.post("h1", path, {**base, **change})
    assert r.status_code == 422, r.text
    assert field in r.text
    assert live.platform.agents["h1"].readiness == "unknown"


def test_a_real_probe_run_gives_a_server_measured_verdict(live: Live) -> None:
    probe_id = probe_run(live, "h1", count=20)
    r = live.post("h1", "/api/readiness/probe", {"probe_id": probe_id, **CHECKLIST})
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["check"]["verdict"], out["check"]["source"]) == ("pass", "measured")
    assert (out["judged_on"], out["reported"]) == ("measured", None)
    summary = out["summary"]
    assert (summary["sent"], summary["lost"], len(summary["samples"])) == (20, 0, 2)
    assert 0.0 <= summary["rtt_ms"] < 200.0  # the app's loopback
    assert summary["bandwidth_kbps"] is not None and summary["bandwidth_kbps"] > 0
    assert live.platform.agents["h1"].readiness == "pass"
    row = _last_row(live, "h1")
    assert (row.source, row.reported, len(row.samples)) == ("measured", None, 2)
    # a measurement backs one verdict, for its own user only
    again = live.post("h1", "/api/readiness/probe", {"probe_id": probe_id})
    assert again.status_code == 404 and again.json()["field"] == "probe_id"
    theirs = probe_run(live, "b1")
    assert live.post("h1", "/api/readiness/probe", {"probe_id": theirs}).status_code == 404
    assert live.post("h1", "/api/readiness/probe", {"probe_id": "made-up"}).status_code == 404


def test_better_claims_than_the_server_measured_get_the_servers_verdict(live: Live) -> None:
    """The client holds each ack 420 ms (a slow line) and claims 1 ms round trips and a
    perfect media echo: the server's own timing decides."""
    probe_id = probe_run(live, "h1", count=6, ack_delay_s=0.42)
    r = live.post("h1", "/api/readiness/probe", {"probe_id": probe_id, **_perfect_claims(6)})
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["check"]["verdict"], out["judged_on"]) == ("fail", "measured")
    assert out["summary"]["rtt_ms"] >= 420.0
    assert out["reported"]["rtt_ms"] == 1.0
    assert any(reason.startswith("round-trip time") for reason in out["check"]["reasons"])
    assert live.platform.agents["h1"].readiness == "fail"
    # echoes never acknowledged are lost, whatever the client says of them
    lossy = probe_run(live, "h1", count=10, acked=lambda seq: seq % 2 == 0)
    out = live.post("h1", "/api/readiness/probe", {"probe_id": lossy, **_perfect_claims(10)})
    assert out.json()["summary"]["loss_pct"] == 50.0
    assert out.json()["check"]["verdict"] == "fail"


def test_worse_reported_figures_make_the_verdict_worse_and_are_kept(live: Live) -> None:
    lossy = [{"seq": i, "rtt_ms": None if i % 4 == 0 else 30.0} for i in range(10)]
    body = {"probes": lossy, **CHECKLIST}
    r = measured_check(live, "h1", **body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["check"]["verdict"], out["judged_on"]) == ("fail", "reported")
    assert out["summary"]["loss_pct"] == 0.0 and out["reported"]["loss_pct"] == 30.0
    row = _last_row(live, "h1")
    assert row.source == "measured" and row.reported is not None
    assert row.reported["judged_on_it"] is True and row.reported["loss_pct"] == 30.0
    assert all(s["loss_pct"] == 0.0 for s in row.samples)  # the server's own figures


def test_a_run_without_its_transfers_or_probes_is_not_judged(live: Live) -> None:
    """Skipping a measure must not skip its limit (no upload: no bandwidth to judge)."""
    no_upload = probe_run(live, "h1", upload=False)
    r = live.post("h1", "/api/readiness/probe", {"probe_id": no_upload})
    assert r.status_code == 422 and r.json()["field"] == "probe_id"
    assert "download and an upload" in r.json()["detail"]
    too_few = probe_run(live, "h1", count=2)
    r = live.post("h1", "/api/readiness/probe", {"probe_id": too_few})
    assert r.status_code == 422 and "at least 5" in r.json()["detail"]
    assert live.platform.agents["h1"].readiness == "unknown"
