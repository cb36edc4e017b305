"""How long a phone call takes to reach a home advisor, through the real engines.

Kamailio and rtpengine started by homeshore.voice.engines, the platform under uvicorn,
SIPp as the customer's phone (one call at a time), Debian's headless Chromium as the
advisor's desk (fake microphone playing 1 kHz) which accepts each offer the moment it
shows. For each call it measures, on the machine's clock:

- report → offer shown: from the contact's creation (Kamailio reported the held call to
  homeshore, about 1.5 ms after the INVITE in docs/voice-spike) to the desk showing the
  offer (router, group commit, event over the websocket, page);
- accept → call connected at the desk (homeshore continues the held call, Kamailio relays
  it to the browser through rtpengine, the softphone answers, ICE and DTLS complete);
- accept → the caller hears the advisor (first non-silent RTP reaching the caller's port).

It needs the voice packages, sip-tester, chromium and root (the caller's audio is seen with
a packet socket, as in tests/voice). The same harness as tests/voice.

Run: sudo .venv/bin/python bench/voice_path.py [--calls 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.voice import media
from tests.voice.conftest import open_desk, running_chromium, running_site

#: records, in the page, when each offer shows, is accepted and its call connects
WATCH = """() => {
  window.__times = {};
  const look = () => {
    const offers = '.offer [data-action="accept"]:not([data-seen])';
    for (const button of document.querySelectorAll(offers)) {
      button.dataset.seen = "1";
      const id = button.closest(".offer").dataset.contact;
      window.__times[id] = { offered: Date.now() };
      button.click();
      window.__times[id].accepted = Date.now();
    }
    const connected = '[data-field="call-state"][data-state="connected"]';
    for (const line of document.querySelectorAll(connected)) {
      const times = window.__times[line.closest(".contact").dataset.contact];
      if (times && !times.connected) times.connected = Date.now();
    }
  };
  const all = { subtree: true, childList: true, attributes: true };
  new MutationObserver(look).observe(document.body, all);
}"""


def _wait(check: Any, what: str, timeout_s: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (value := check()):
        if time.monotonic() > deadline:
            raise SystemExit(f"waited {timeout_s:.0f} s for {what}")
        time.sleep(0.005)
    return value


def one_call(site: Any, desk: Any, number: int) -> dict[str, float]:
    caller = site.call("answered.xml", "+33900000001")
    recorder = media.RtpRecorder(caller.media_port)
    recorder.start()
    wall_minus_mono = time.time() - time.monotonic()
    try:
        contact = _wait(lambda: site.contacts(state="active") or None, "the call accepted")[0]
        cid = str(contact["id"])
        times = _wait(
            lambda: (
                (t := desk.evaluate("() => window.__times"))
                and t.get(cid, {}).get("connected")
                and t[cid]
            ),
            "the call connected at the desk",
        )
        accepted_mono = times["accepted"] / 1000 - wall_minus_mono
        heard = _wait(lambda: recorder.first_sound_after(accepted_mono), "the caller hearing")
        created = dt.datetime.fromisoformat(contact["created_at"]).timestamp()
        row = {
            "report_to_offer_ms": times["offered"] - created * 1000,
            "accept_to_connected_ms": times["connected"] - times["accepted"],
            "accept_to_caller_hears_ms": (heard - accepted_mono) * 1000,
        }
        card = desk.locator(f'.contact[data-contact="{cid}"]')
        card.locator('[data-action="end"]').click()
        if caller.wait(120) != 0:
            raise SystemExit(f"call {number}: {caller.explain()}")
        card.locator('[data-input="disposition"]').select_option(index=1)
        card.locator('[data-form="wrapup"] button[type="submit"]').click()
        card.wait_for(state="detached")
        return row
    finally:
        recorder.stop()
        caller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    if not media.can_record():
        raise SystemExit("run as root: the caller's audio is seen with a packet socket")
    rows = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_site(Path(tmp)) as site,
        running_chromium(Path(tmp)) as browser,
    ):
        desk = open_desk(browser, site, "a2")
        desk.evaluate(WATCH)
        desk.locator('button[data-state="available"]').click()
        desk.locator('#state[data-state="available"]').wait_for()
        for number in range(1, args.calls + 1):
            rows.append(one_call(site, desk, number))
            figures = ", ".join(f"{k} {v:7.1f}" for k, v in rows[-1].items())
            print(f"call {number:3d}: {figures}", flush=True)
        desk.context.close()
    print(f"\n{len(rows)} calls, one at a time (ms)")
    print(f"{'':28s} {'p50':>8s} {'p90':>8s} {'max':>8s}")
    for key in rows[0]:
        values = np.array([r[key] for r in rows])
        p50, p90 = np.percentile(values, [50, 90])
        print(f"{key:28s} {p50:8.1f} {p90:8.1f} {values.max():8.1f}")


if __name__ == "__main__":
    main()
