#!/usr/bin/env python3
"""homeshore voice spike -- end-to-end proof on loopback.

Starts rtpengine + Kamailio + fake homeshore + headless Chromium (JsSIP agent "a1"),
then with sipp as the trunk caller proves:
  1. agent registers over WS with an ephemeral (HMAC) credential; impersonation -> 403
  2. caller CANCEL while the INVITE is held (t_suspend) -> homeshore told, caller gets 487
  3. held call is routed by homeshore (HTTP -> xhttp -> t_continue) to the agent,
     WebRTC <-> RTP bridged by rtpengine, audio both ways (440 Hz to browser, 1 kHz to caller)
  4. rtpengine "play media" to the caller leg, "query" stats
Prints PASS/FAIL lines and timing figures; tears everything down.

By default the whole run happens inside a fresh network namespace (unshare --net) in
which the only interface is lo/127.0.0.1 -- so nothing (incl. Chromium's ICE) can touch
any other address. Use --no-netns to run in the host namespace (still binds 127.0.0.1).
"""
import argparse
import warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
import audioop  # noqa: E402  (deprecated in 3.13; fine on 3.11)
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fake_homeshore import Homeshore  # noqa: E402
from ngclient import ng  # noqa: E402

LOGS = os.path.join(HERE, "logs")
RUN = os.path.join(HERE, "run")
SIP_PORT, SIPP_PORT, SIPP_MEDIA = 15060, 15070, 16000
CHROMIUM = "/usr/lib/chromium/chromium" if os.path.exists("/usr/lib/chromium/chromium") else "/usr/bin/chromium"

RTPENGINE_CMD = [
    "rtpengine", "--config-file=none", "--foreground", "--log-stderr", "--log-level=6",
    "--table=-1",                      # no kernel forwarding table: pure userspace
    "--interface=lo/127.0.0.1",
    "--listen-ng=127.0.0.1:22223",
    "--port-min=40000", "--port-max=40199",
    "--num-threads=2", "--media-num-threads=1",
    "--delete-delay=0", "--timeout=60", "--silent-timeout=3600",
    "--pidfile=" + os.path.join(RUN, "rtpengine.pid"),
]
KAMAILIO_CMD = ["kamailio", "-DD", "-E", "-f", os.path.join(HERE, "kamailio.cfg"),
                "-m", "64", "-M", "8", "-P", os.path.join(RUN, "kamailio.pid"), "-Y", RUN]

RESULTS = []
T0 = time.time()


def say(msg):
    print(f"[{time.time() - T0:6.2f}s] {msg}", flush=True)


def check(name, ok, detail=""):
    RESULTS.append((name, bool(ok)))
    print(f"{'PASS' if ok else 'FAIL'}: {name}" + (f" -- {detail}" if detail else ""), flush=True)
    return ok


# --------------------------------------------------------------------------- loopback sniffer
class LoSniffer(threading.Thread):
    """AF_PACKET on lo: timestamps SIP/UDP messages and records RTP arriving at the caller."""

    def __init__(self):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.s.bind(("lo", 0))
        self.s.settimeout(0.2)
        self.sip = []        # (t, sport, dport, first_line, call_id, text)
        self.rtp_in = []     # (t, sport, seq, pt, payload)  -> to caller media port
        self.rtp_out = []    # (t, dport)                    <- from caller media port
        self.stop_ev = threading.Event()

    def run(self):
        while not self.stop_ev.is_set():
            try:
                pkt, addr = self.s.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING:      # lo shows each packet twice
                continue
            t = time.time()
            if len(pkt) < 42 or pkt[12:14] != b"\x08\x00" or pkt[23] != 17:
                continue
            ihl = (pkt[14] & 0x0F) * 4
            u = 14 + ihl
            sport, dport = struct.unpack("!HH", pkt[u:u + 4])
            data = pkt[u + 8:]
            if SIP_PORT in (sport, dport) and data[:1].isalpha():
                txt = data.decode(errors="replace")
                first = txt.split("\r\n", 1)[0]
                cid = ""
                for line in txt.split("\r\n"):
                    if line.lower().startswith(("call-id:", "i:")):
                        cid = line.split(":", 1)[1].strip()
                        break
                self.sip.append((t, sport, dport, first, cid, txt))
            elif dport == SIPP_MEDIA and len(data) >= 12 and (data[0] >> 6) == 2:
                cc = data[0] & 0x0F
                pt = data[1] & 0x7F
                seq = struct.unpack("!H", data[2:4])[0]
                self.rtp_in.append((t, sport, seq, pt, data[12 + 4 * cc:]))
            elif sport == SIPP_MEDIA:
                self.rtp_out.append((t, dport))

    def first_sip(self, pred, after=0.0):
        for m in self.sip:
            if m[0] >= after and pred(m):
                return m
        return None


# --------------------------------------------------------------------------- helpers
def wait_tcp(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.3).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def cseq(txt):
    for line in txt.split("\r\n"):
        if line.lower().startswith("cseq:"):
            return line.split(":", 1)[1].strip()
    return ""


def dominant_hz(samples, rate=8000):
    if len(samples) < 1024:
        return 0.0, 0.0
    x = samples.astype(np.float64) * np.hanning(len(samples))
    spec = np.abs(np.fft.rfft(x))
    spec[:5] = 0
    k = int(np.argmax(spec))
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    return k * rate / len(samples), rms


def pcm_window(rtp, t_from, t_to):
    chunks = [audioop.ulaw2lin(p[4], 2) for p in rtp if t_from <= p[0] < t_to and p[3] == 0]
    return np.frombuffer(b"".join(chunks), dtype=np.int16)


def sipp_cmd(scenario, service, extra=()):
    return ["sipp", "-sf", os.path.join(HERE, "sipp", scenario), "-s", service,
            f"127.0.0.1:{SIP_PORT}", "-i", "127.0.0.1", "-p", str(SIPP_PORT),
            "-mi", "127.0.0.1", "-mp", str(SIPP_MEDIA), "-m", "1", "-l", "1",
            "-nostdin", "-timeout", "60s", "-trace_err", "-trace_msg",
            "-message_file", os.path.join(LOGS, f"sipp_{scenario[:-4]}_messages.log"),
            "-error_file", os.path.join(LOGS, f"sipp_{scenario[:-4]}_errors.log"), *extra]


# --------------------------------------------------------------------------- main
def main(args):
    os.makedirs(LOGS, exist_ok=True)
    os.makedirs(RUN, exist_ok=True)
    procs = {}
    browser = pw = None
    sniffer = LoSniffer()
    sniffer.start()
    moh = os.path.join(HERE, "media", "moh660.wav")
    hs = Homeshore(early_media=moh).start()   # early media ON for the CANCEL (held caller) test
    timings = {}
    try:
        # ---------------------------------------------------------------- daemons
        say("starting rtpengine: " + " ".join(RTPENGINE_CMD))
        procs["rtpengine"] = subprocess.Popen(RTPENGINE_CMD, stdout=open(os.path.join(LOGS, "rtpengine.log"), "w"),
                                              stderr=subprocess.STDOUT, start_new_session=True)
        time.sleep(0.5)
        check("rtpengine ng ping", ng({"command": "ping"}).get("result") == "pong")
        say("starting kamailio: " + " ".join(KAMAILIO_CMD))
        procs["kamailio"] = subprocess.Popen(KAMAILIO_CMD, stdout=open(os.path.join(LOGS, "kamailio.log"), "w"),
                                             stderr=subprocess.STDOUT, start_new_session=True)
        check("kamailio up (xhttp control port answers)", wait_tcp(15090) and wait_tcp(15080))

        # ---------------------------------------------------------------- browser agent
        from playwright.sync_api import sync_playwright
        pw = sync_playwright().start()
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                  "--use-file-for-fake-audio-capture=" + os.path.join(HERE, "media", "tone1000.wav"),
                  "--allow-loopback-in-peer-connection",       # loopback ICE candidates (netns has only lo)
                  "--autoplay-policy=no-user-gesture-required"])
        page = browser.new_page()
        page.on("console", lambda m: open(os.path.join(LOGS, "browser_console.log"), "a").write(m.text + "\n"))
        page.goto("http://127.0.0.1:18000/agent.html?agent=a1" + ("&debug=1" if args.debug else ""))
        try:
            page.wait_for_function("window.__registered === true", timeout=10000)
            reg = True
        except Exception:
            reg = False
        check("agent a1 REGISTER over WS with ephemeral HMAC credential -> 200", reg,
              page.evaluate("JSON.stringify(window.__cred)"))

        cred = page.evaluate("window.__cred")
        code = page.evaluate("([u,p]) => window.tryRegister('a2', u, p)", [cred["username"], cred["password"]])
        check("a1's credential used to REGISTER as a2 -> 403", code == 403, f"got {code}")
        code = page.evaluate("([u,p]) => window.tryRegister('a1', u, p)", [cred["username"], "AAAA" + cred["password"][4:]])
        check("a1 with forged password -> rejected (401 again)", code == 401, f"got {code}")
        expired = json.loads(__import__("urllib.request").request.urlopen(
            "http://127.0.0.1:18000/api/credential?agent=a1&ttl=-10").read())
        code = page.evaluate("([u,p]) => window.tryRegister('a1', u, p)", [expired["username"], expired["password"]])
        check("a1 with expired credential -> rejected", code in (401, 403), f"got {code}")

        # ---------------------------------------------------------------- CANCEL while held
        say("sipp: caller CANCELs while held")
        t_c = time.time()
        rc = subprocess.run(sipp_cmd("uac_cancel.xml", "18005550199"), cwd=HERE, timeout=30,
                            stdout=open(os.path.join(LOGS, "sipp_cancel.out"), "w"), stderr=subprocess.STDOUT).returncode
        new = hs.wait_event("/kamailio/call", timeout=1)
        cid_c = new and new["call_id"]
        canc = hs.wait_event("/kamailio/cancel", call_id=cid_c, timeout=2)
        r487 = sniffer.first_sip(lambda m: m[3].startswith("SIP/2.0 487") and m[4] == cid_c, t_c)
        check("CANCEL while suspended: homeshore got call.new then call.cancel", bool(new and canc))
        check("CANCEL while suspended: caller got 487 (sipp scenario ok)", rc == 0 and r487 is not None, f"sipp rc={rc}")
        late = hs.route_call(cid_c, "a1")
        check("routing a cancelled call is refused by Kamailio (404)", late["code"] == 404, late["body"])
        order = [m[3] for m in sniffer.sip if m[4] == cid_c]
        say("cancel flow on the wire: " + " | ".join(order))
        r183 = sniffer.first_sip(lambda m: m[4] == cid_c and m[3].startswith("SIP/2.0 183"))
        rcan = sniffer.first_sip(lambda m: m[4] == cid_c and m[3].startswith("CANCEL"))
        check("early media: held caller got 183 with rtpengine SDP", r183 is not None and "m=audio" in r183[5],
              (new or {}).get("early_media_error", ""))
        if r183 and rcan:
            pcm = pcm_window(sniffer.rtp_in, r183[0] + 0.3, rcan[0])
            hz, rms = dominant_hz(pcm)
            check("early media: held caller hears queue music (660 Hz, rtpengine play media)",
                  abs(hz - 660) < 15 and rms > 300, f"{hz:.1f} Hz rms {rms:.0f}, {len(pcm) / 8000:.1f}s")
            first = next((p[0] for p in sniffer.rtp_in if p[0] > r183[0]), None)
            if first:
                timings["early_media_183_to_first_moh_rtp_ms"] = (first - r183[0]) * 1000
        time.sleep(0.3)
        gone = ng({"command": "query", "call-id": cid_c})
        check("rtpengine session of the cancelled call deleted", gone.get("result") != "ok", str(gone)[:120])
        hs.early_media = moh if args.early_media_main else None

        # ---------------------------------------------------------------- the call
        say("sipp: trunk call")
        hs.events.clear()
        t_call = time.time()
        sipp = subprocess.Popen(sipp_cmd("uac_call.xml", "18005550100"), cwd=HERE,
                                stdout=open(os.path.join(LOGS, "sipp_call.out"), "w"), stderr=subprocess.STDOUT)
        procs["sipp"] = sipp
        new = hs.wait_event("/kamailio/call", timeout=10)
        if not check("trunk INVITE held; homeshore notified (call.new)", new is not None):
            raise RuntimeError("no call.new")
        cid, ftag = new["call_id"], new["from_tag"]
        inv = sniffer.first_sip(lambda m: m[3].startswith("INVITE") and m[4] == cid and m[2] == SIP_PORT)
        timings["invite_to_homeshore_ms"] = (new["_rx"] - inv[0]) * 1000
        say(f"call.new: {json.dumps({k: v for k, v in new.items() if not k.startswith('_')})}")

        # ---- while held: rtpengine is not involved yet (offer happens on t_continue).
        time.sleep(args.hold)
        r180 = [m for m in sniffer.sip if m[4] == cid and m[3].startswith("SIP/2.0 180")]
        check("caller got 180 Ringing while held", len(r180) >= 1)
        r183 = sniffer.first_sip(lambda m: m[4] == cid and m[3].startswith("SIP/2.0 183"))
        if args.early_media_main:
            check("early media: caller got 183 with rtpengine SDP while held", r183 is not None and "m=audio" in r183[5],
                  new.get("early_media_error", ""))
            if r183:
                pcm = pcm_window(sniffer.rtp_in, r183[0] + 0.3, time.time())
                hz, rms = dominant_hz(pcm)
                check("early media: held caller hears queue music (660 Hz via rtpengine play media)",
                      abs(hz - 660) < 15 and rms > 300, f"{hz:.1f} Hz rms {rms:.0f}, {len(pcm) / 8000:.1f}s")
                pmq = hs.wait_event("play_queue_music", call_id=cid, timeout=0.1)
                if pmq:
                    timings["183_to_first_queue_music_rtp_ms"] = (next(
                        (p[0] for p in sniffer.rtp_in if p[0] > r183[0]), r183[0]) - r183[0]) * 1000

        # ---- homeshore routes the call to a1
        res = hs.route_call(cid, "a1")
        check("homeshore -> Kamailio /route (t_continue) accepted", res["code"] == 200, res["body"])
        timings["route_http_roundtrip_ms"] = (res["_done"] - res["_tx"]) * 1000
        try:
            page.wait_for_function("window.__events && window.__events.incoming", timeout=10000)
        except Exception:
            pass
        ev = page.evaluate("window.__events")
        if "incoming" in ev:
            timings["t_continue_to_browser_incoming_ms"] = ev["incoming"] - res["_tx"] * 1000
        ok200 = None
        end = time.time() + 15
        while time.time() < end and ok200 is None:
            ok200 = sniffer.first_sip(lambda m: m[4] == cid and m[3].startswith("SIP/2.0 200")
                                      and cseq(m[5]).endswith("INVITE") and m[2] == SIPP_PORT)
            time.sleep(0.05)
        if not check("agent auto-answered; caller got 200 OK", ok200 is not None):
            raise RuntimeError("no 200")
        t_ans = ok200[0]
        ev = page.evaluate("window.__events")
        if "answer" in ev:
            timings["browser_answer()_to_200_at_caller_ms"] = t_ans * 1000 - ev.get("answer", 0)
        sdp200 = ok200[5].split("\r\n\r\n", 1)[1]
        if r183 is not None:
            port = lambda txt: next((l.split()[1] for l in txt.split("\r\n") if l.startswith("m=audio")), None)
            check("early media: 183 and 200 SDP use the same rtpengine port for the caller",
                  port(r183[5]) == port(ok200[5]), f"183 {port(r183[5])} / 200 {port(ok200[5])}")
        check("200 OK SDP towards trunk is plain RTP/AVP PCMU without ICE/DTLS",
              "RTP/AVP 0" in sdp200 and "a=ice-ufrag" not in sdp200 and "fingerprint" not in sdp200,
              " / ".join(l for l in sdp200.split("\r\n") if l.startswith(("m=", "c="))))

        # ---- audio both ways
        try:
            page.wait_for_function("window.__events.first440", timeout=8000)
        except Exception:
            pass
        time.sleep(2.5)
        ev = page.evaluate("window.__events")
        hist = page.evaluate("window.__hzHistory")
        recent = [h["hz"] for h in hist[-15:]]
        near440 = sum(1 for h in recent if abs(h - 440) <= 12)
        check("browser hears the caller: dominant ~440 Hz", near440 >= 10,
              f"last dominantHz={page.evaluate('window.__dominantHz')} recent={recent}")
        if "first440" in ev:
            timings["200_at_caller_to_browser_hears_440_ms"] = ev["first440"] - t_ans * 1000
        first_rtp = next((p for p in sniffer.rtp_in if p[0] >= t_ans), None)
        if first_rtp:
            timings["200_at_caller_to_first_rtp_at_caller_ms"] = (first_rtp[0] - t_ans) * 1000
        t_audio_end = time.time()
        pcm = pcm_window(sniffer.rtp_in, t_ans + 1.0, t_audio_end)
        hz, rms = dominant_hz(pcm)
        check("caller hears the browser's fake mic: dominant ~1000 Hz (numpy FFT)", abs(hz - 1000) < 15 and rms > 300,
              f"{hz:.1f} Hz, rms {rms:.0f}, {len(pcm) / 8000:.1f}s of audio")
        first1k = None
        for p in sniffer.rtp_in:
            if p[0] >= t_ans:
                seg = pcm_window(sniffer.rtp_in, p[0], p[0] + 0.16)
                h, r = dominant_hz(seg[:1280]) if len(seg) >= 1024 else (0, 0)
                if abs(h - 1000) < 40 and r > 300:
                    first1k = p[0]
                    break
        if first1k:
            timings["200_at_caller_to_caller_hears_1kHz_ms"] = (first1k - t_ans) * 1000

        # ---- rtpengine query (stats)
        q = ng({"command": "query", "call-id": cid})
        with open(os.path.join(LOGS, "rtpengine_query.json"), "w") as f:
            json.dump(q, f, indent=1, default=str)
        check("rtpengine query returns per-call stats", q.get("result") == "ok",
              "totals=" + json.dumps(q.get("totals", {}))[:300])

        # ---- play media to the caller leg (MOH 660 Hz), then stop
        t_play = time.time()
        pm = ng({"command": "play media", "call-id": cid, "from-tag": ftag,
                 "file": os.path.join(HERE, "media", "moh660.wav")})
        say(f"play media -> {pm}")
        time.sleep(2.5)
        t_stop = time.time()
        sm = ng({"command": "stop media", "call-id": cid, "from-tag": ftag})
        say(f"stop media -> {sm}")
        pcm = pcm_window(sniffer.rtp_in, t_play + 0.4, t_stop)
        hz, rms = dominant_hz(pcm)
        check("rtpengine play media: caller hears 660 Hz MOH instead of agent", pm.get("result") == "ok" and abs(hz - 660) < 15,
              f"{hz:.1f} Hz rms {rms:.0f}; reply {pm}")
        time.sleep(1.5)
        pcm = pcm_window(sniffer.rtp_in, t_stop + 0.5, time.time())
        hz, rms = dominant_hz(pcm)
        check("after stop media: caller hears agent (1 kHz) again", abs(hz - 1000) < 15, f"{hz:.1f} Hz rms {rms:.0f}")

        q2 = ng({"command": "query", "call-id": cid})
        with open(os.path.join(LOGS, "rtpengine_query_late.json"), "w") as f:
            json.dump(q2, f, indent=1, default=str)
        say("rtpengine query (late) SSRC stats: " + json.dumps(q2.get("SSRC", {}), default=str)[:600])

        # ---- wait for the caller's BYE
        try:
            rc = sipp.wait(timeout=25)
        except subprocess.TimeoutExpired:
            rc = None
        check("caller BYE -> 200, sipp scenario completed", rc == 0, f"sipp rc={rc}")
        try:
            page.wait_for_function("window.__events.ended", timeout=5000)
            check("browser session ended by BYE", True)
        except Exception:
            check("browser session ended by BYE", False)
        end_ev = hs.wait_event("/kamailio/end", call_id=cid, timeout=2)
        check("homeshore told about call end", end_ev is not None)

        # save the caller recording
        allpcm = pcm_window(sniffer.rtp_in, t_call, time.time())
        with wave.open(os.path.join(LOGS, "caller_received.wav"), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
            w.writeframes(allpcm.tobytes())
        with open(os.path.join(LOGS, "browser_log.json"), "w") as f:
            json.dump({"log": page.evaluate("window.__log"), "events": page.evaluate("window.__events"),
                       "hz_history": page.evaluate("window.__hzHistory")}, f, indent=1)
        src_ports = sorted({p[1] for p in sniffer.rtp_in})
        say(f"RTP to caller came from rtpengine ports {src_ports}; caller sent {len(sniffer.rtp_out)} packets to ports {sorted({p[1] for p in sniffer.rtp_out})}")
        timings["held_for_s"] = args.hold
    except Exception as e:  # noqa: BLE001
        check("run completed without exception", False, repr(e))
    finally:
        say("teardown")
        try:
            if browser:
                browser.close()
            if pw:
                pw.stop()
        except Exception:
            pass
        for name in ("sipp", "kamailio", "rtpengine"):
            p = procs.get(name)
            if p and p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM) if name != "sipp" else p.terminate()
                    p.wait(timeout=5)
                except Exception:
                    os.killpg(p.pid, signal.SIGKILL)
        hs.stop()
        sniffer.stop_ev.set()
        with open(os.path.join(LOGS, "sip_trace.txt"), "w") as f:
            for m in sniffer.sip:
                f.write(f"--- {m[0]:.6f} {m[1]} -> {m[2]}\n{m[5]}\n")

    print("\nTIMINGS (ms unless noted):")
    for k, v in timings.items():
        print(f"  {k:45s} {v:9.1f}")
    with open(os.path.join(LOGS, "timings.json"), "w") as f:
        json.dump(timings, f, indent=1)
    fails = [n for n, ok in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(fails)}/{len(RESULTS)} checks passed in {time.time() - T0:.1f}s")
    print("OVERALL: " + ("PASS" if not fails else "FAIL"))
    return 0 if not fails else 1


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-netns", action="store_true", help="do not create a private network namespace")
    ap.add_argument("--hold", type=float, default=2.0, help="seconds the call stays held before homeshore routes it")
    ap.add_argument("--early-media-main", action="store_true",
                    help="also use 183 early media on the answered call (known issue: see NOTES.md)")
    ap.add_argument("--debug", action="store_true", help="JsSIP debug logging into logs/browser_console.log")
    a = ap.parse_args()
    if not a.no_netns and os.environ.get("VOICE_SPIKE_NETNS") != "1":
        # re-exec inside a private netns whose only interface is loopback
        cmd = ["unshare", "--net", "--", "sh", "-c",
               'ip link set lo up && VOICE_SPIKE_NETNS=1 exec "$0" "$@"', sys.executable, *sys.argv]
        os.execvp("unshare", cmd)
    sys.exit(main(a))
