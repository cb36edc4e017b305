"""A home line that stalls mid-call without closing anything: the softphone's WebSocket
stays open (TCP would take minutes to notice), but its media stops. The platform notices
within seconds from the relay's packet counts, the caller is told and the customer is to
be called back. A muted or held call keeps sending and is never taken for a dropped one."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from tests.voice.conftest import VoiceSite, open_desk, running_chromium, wait_until
from tests.voice.test_calls import _caller_heard_the_notice, talking

#: a short silence keeps the test short; the default is HOMESHORE_VOICE_MEDIA_SILENCE_S
SILENCE_S = 2.0
SETTINGS = {"voice_media_silence_s": SILENCE_S}


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _browser_processes(marker: str) -> list[int]:
    """The Chromium started with ``marker`` on its command line, and all its children."""
    roots = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if marker in command and "--type=" not in command:
            roots.append(int(entry.name))
    assert roots, f"no Chromium with {marker} on its command line"
    return [pid for root in roots for pid in _descendants(root)]


@contextmanager
def frozen(pids: list[int]) -> Iterator[None]:
    """The processes stop dead (SIGSTOP): no packet, no FIN; resumed afterwards."""
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


@pytest.fixture
def own_browser(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    """A Chromium of this test's own (it is frozen), and the mark to find its processes."""
    mic_dir = tmp_path / "mic"
    mic_dir.mkdir()
    with running_chromium(mic_dir) as chromium:
        yield chromium, str(mic_dir)


def _events_about(site: VoiceSite, contact_id: int) -> list[dict[str, Any]]:
    events = site.api.get("/api/events", params={"limit": 5000}).json()
    return [e for e in events if e["contact_id"] == contact_id]


def test_a_stalled_home_line_drops_the_call_within_seconds(
    voice_site: VoiceSite, own_browser: tuple[Any, str]
) -> None:
    chromium, marker = own_browser
    page = open_desk(chromium, voice_site, "a1")
    with talking(voice_site, page) as (contact_id, caller, recorder):
        pids = _browser_processes(marker)
        with frozen(pids):
            since = time.monotonic()
            assert caller.wait() == 0, caller.explain()  # told, then BYE
            noticed_s = time.monotonic() - since
            _caller_heard_the_notice(recorder, since)
    [dropped] = [e for e in _events_about(voice_site, contact_id) if e["type"] == "call.dropped"]
    assert dropped["data"]["reason"] == "media_silent"
    # the notice (about 2 s) and the BYE come after the silence and one check's period
    assert noticed_s >= SILENCE_S, noticed_s
    contact = voice_site.api.get(f"/api/contacts/{contact_id}").json()
    assert (contact["state"], contact["agent_id"]) == ("wrap_up", "a1")
    off = voice_site.api.post("/api/agents/a1/state", json={"state": "offline"})
    assert off.status_code == 200, off.text


def test_a_muted_or_held_call_is_not_taken_for_a_dropped_line(
    voice_site: VoiceSite, desk: Callable[[str], Any]
) -> None:
    page = desk("a2")
    with talking(voice_site, page) as (contact_id, caller, _recorder):
        card = page.locator(f'.contact[data-contact="{contact_id}"]')
        for button in ("mute", "hold"):
            card.locator(f'[data-action="{button}"]').click()
            card.locator(f'[data-action="{button}"][aria-pressed="true"]').wait_for()
            pressed = time.monotonic()
            # twice the silence, checked three times per silence
            wait_until(lambda p=pressed: time.monotonic() - p > 2 * SILENCE_S, "time to pass")
            assert caller.process.poll() is None, caller.explain()
            card.locator(f'[data-action="{button}"]').click()
            card.locator(f'[data-action="{button}"][aria-pressed="false"]').wait_for()
        card.locator('[data-action="end"]').click()
        assert caller.wait() == 0, caller.explain()
    about = _events_about(voice_site, contact_id)
    assert not [e for e in about if e["type"] == "call.dropped"], about
