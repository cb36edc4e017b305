"""Recorded calls through the API, without the engines: who may play one (the advisor's
managers, an admin), the audit trail, and the purge at the end of the retention period."""

from __future__ import annotations

from pathlib import Path

from homeshore.services import recordings
from tests.api.test_quality import _handled
from tests.services.support import Live


def test_recordings_are_played_by_the_team_manager_only_and_purged_when_due(
    live: Live, tmp_path: Path
) -> None:
    cid = _handled(live, "a1")
    audio = tmp_path / "contact.wav"
    audio.write_bytes(b"RIFF....WAVEfmt stereo call audio")
    stored = live.on_loop(
        recordings.recording_stored, live.platform, cid, path=audio, duration_s=61.5
    )
    assert stored is not None and (stored.agent_id, stored.team_id) == ("a1", "red")
    path = f"/api/voice/contacts/{cid}/recording"

    r = live.get("m.red", path)
    assert (r.status_code, r.content) == (200, audio.read_bytes())
    assert r.headers["content-type"] == "audio/wav"
    assert live.get("m.blue", path).status_code == 403
    assert live.get("a1", path).status_code == 403  # advisors see that it was played
    assert live.get("admin", path).status_code == 200
    assert [x["contact_id"] for x in live.get("m.red", "/api/voice/recordings").json()] == [cid]
    assert live.get("m.blue", "/api/voice/recordings").json() == []
    assert live.get("a1", "/api/voice/recordings").status_code == 403
    played = [
        e for e in live.get("a1", "/api/events?limit=500").json() if e["type"] == "recording.played"
    ]
    assert [e["data"]["manager"] for e in played] == ["m.red", "admin"]
    # the advisor's own view of the monitoring of its work (newest first); nobody else's
    trail = live.get("a1", "/api/agents/a1/monitoring").json()
    assert [(e["type"], e["data"].get("manager")) for e in trail[:2]] == [
        ("recording.played", "admin"),
        ("recording.played", "m.red"),
    ]
    assert live.get("m.red", "/api/agents/a1/monitoring").status_code == 200
    assert live.get("m.blue", "/api/agents/a1/monitoring").status_code == 404
    assert live.get("a2", "/api/agents/a1/monitoring").status_code == 404

    # the retention period (30 days by default): kept on day 29, deleted after day 30
    live.clock.advance(29 * 86400)
    assert live.on_loop(recordings.purge, live.platform) == 0
    assert audio.exists()
    live.clock.advance(1 * 86400 + 1)
    assert live.on_loop(recordings.purge, live.platform) == 1
    assert not audio.exists()
    live.tokens.clear()  # a month later: the sessions expired, sign in again
    assert live.get("m.red", path).status_code == 404
    assert live.get("m.red", "/api/voice/recordings").json() == []
    purged = [
        e
        for e in live.get("m.red", "/api/events?limit=500").json()
        if e["type"] == "recording.purged"
    ]
    assert [e["contact_id"] for e in purged] == [cid]
    assert live.on_loop(recordings.purge, live.platform) == 0


def test_a_missing_recording_is_a_clear_404(live: Live) -> None:
    cid = _handled(live, "a1")
    r = live.get("m.red", f"/api/voice/contacts/{cid}/recording")
    assert r.status_code == 404 and "no recording" in r.json()["detail"]
    assert live.get("m.red", "/api/voice/contacts/999999/recording").status_code == 404
