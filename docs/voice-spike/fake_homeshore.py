#!/usr/bin/env python3
"""Fake homeshore for the voice spike (plays homeshore's role).

Serves on 127.0.0.1:18000:
  GET  /agent.html, /jssip.min.js         static agent page (no CDN)
  GET  /api/credential?agent=a1            ephemeral SIP credential (auth_ephemeral format)
  POST /kamailio/call                      Kamailio announces a held call  (call.new)
  POST /kamailio/cancel                    Kamailio says the caller hung up while held/ringing
  POST /kamailio/end                       BYE seen
  GET  /events                             what we received (debug)

and talks back to Kamailio: route_call(call_id, agent) -> POST http://127.0.0.1:15090/route

Standalone:  python fake_homeshore.py [--auto-route a1 --delay 2]
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ngclient import ng

HERE = os.path.dirname(os.path.abspath(__file__))
WWW = os.path.join(HERE, "www")
SECRET = b"spike-shared-secret-change-me"   # == modparam("auth_ephemeral","secret",...)
KAMAILIO_CTL = "http://127.0.0.1:15090"
SIP_DOMAIN = "homeshore.test"
WS_URL = "ws://127.0.0.1:15080"


def make_credential(agent: str, ttl: int = 3600, now: float | None = None) -> dict:
    """auth_ephemeral username_format=1: '<expiry>:<agent>', password = b64(HMAC-SHA1(secret, username))."""
    expiry = int((now or time.time()) + ttl)
    username = f"{expiry}:{agent}"
    password = base64.b64encode(hmac.new(SECRET, username.encode(), hashlib.sha1).digest()).decode()
    return {"username": username, "password": password, "uri": f"sip:{agent}@{SIP_DOMAIN}",
            "ws": WS_URL, "expires": expiry}


class Homeshore:
    def __init__(self, host="127.0.0.1", port=18000, auto_route=None, delay=0.0, early_media=None):
        self.events = []          # dicts with _rx/_tx wall-clock stamps
        self.early_media = early_media   # path of a wav to play to held callers (183 early media), or None
        self.cv = threading.Condition()
        self.auto_route = auto_route
        self.delay = delay
        hs = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, code, body, ctype="application/json"):
                data = body if isinstance(body, bytes) else body.encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                if u.path in ("/agent.html", "/jssip.min.js"):
                    ctype = "text/html" if u.path.endswith("html") else "application/javascript"
                    with open(os.path.join(WWW, u.path.lstrip("/")), "rb") as f:
                        return self._send(200, f.read(), ctype)
                if u.path == "/api/credential":
                    # production: agent id comes from the authenticated homeshore session, never the query
                    q = urllib.parse.parse_qs(u.query)
                    agent = q.get("agent", ["a1"])[0]
                    ttl = int(q.get("ttl", ["3600"])[0])
                    return self._send(200, json.dumps(make_credential(agent, ttl)))
                if u.path == "/events":
                    return self._send(200, json.dumps(hs.events))
                return self._send(404, '{"error":"not found"}')

            def do_POST(self):
                t = time.time()
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"raw": raw.decode(errors="replace")}
                body["_rx"] = t
                body["_path"] = self.path
                with hs.cv:
                    hs.events.append(body)
                    hs.cv.notify_all()
                if self.path == "/kamailio/call":
                    reply = {"status": "queued"}
                    if hs.early_media and body.get("sdp_b64"):
                        try:
                            reply["early_sdp"] = hs.setup_early_media(body)
                            reply["queue_tag"] = body["queue_tag"]
                        except Exception as e:  # noqa: BLE001  -> no early media, plain 180
                            body["early_media_error"] = repr(e)
                    self._send(200, json.dumps(reply))
                    if "early_sdp" in reply:
                        threading.Timer(0.05, hs.play_queue_music, (body,)).start()
                    if hs.auto_route:
                        threading.Timer(hs.delay, hs.route_call, (body["call_id"], hs.auto_route)).start()
                    return
                if self.path in ("/kamailio/cancel", "/kamailio/end"):
                    return self._send(200, '{"status":"ok"}')
                return self._send(404, '{"error":"not found"}')

        self.httpd = ThreadingHTTPServer((host, port), H)
        self.httpd.daemon_threads = True

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def wait_event(self, path, call_id=None, timeout=10.0):
        end = time.time() + timeout
        with self.cv:
            while True:
                for e in self.events:
                    if e["_path"] == path and (call_id is None or e.get("call_id") == call_id):
                        return e
                left = end - time.time()
                if left <= 0:
                    return None
                self.cv.wait(left)

    # ---- early media while queued: homeshore drives rtpengine directly over ng
    def setup_early_media(self, call):
        """offer(caller SDP) + answer(dummy 'queue' leg) -> rtpengine's SDP for a 183 to the caller."""
        sdp = base64.b64decode(call["sdp_b64"]).decode()
        common = {"call-id": call["call_id"], "from-tag": call["from_tag"],
                  "replace": ["origin", "session-connection"], "ICE": "remove",
                  "transport-protocol": "RTP/AVP"}
        off = ng({**common, "command": "offer", "sdp": sdp, "label": "caller"})
        if off.get("result") != "ok":
            raise RuntimeError(f"offer: {off}")
        # pseudo callee "queue": a black-hole RTP port on loopback (nothing listens there)
        dummy = ("v=0\r\no=queue 1 1 IN IP4 127.0.0.1\r\ns=queue\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                 "m=audio 16998 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n")
        call["queue_tag"] = "queue-" + call["call_id"][:16]
        ans = ng({**common, "command": "answer", "to-tag": call["queue_tag"], "sdp": dummy, "label": "queue"})
        if ans.get("result") != "ok":
            raise RuntimeError(f"answer: {ans}")
        call["early_sdp"] = ans["sdp"]
        return ans["sdp"]

    def play_queue_music(self, call):
        r = ng({"command": "play media", "call-id": call["call_id"], "from-tag": call["from_tag"],
                "file": self.early_media, "repeat-times": 100})
        with self.cv:
            self.events.append({"_path": "play_queue_music", "call_id": call["call_id"], "reply": r,
                                "_tx": time.time()})
            self.cv.notify_all()

    def route_call(self, call_id, agent):
        """homeshore's router decided: tell Kamailio to resume the held INVITE towards `agent`."""
        req = urllib.request.Request(KAMAILIO_CTL + "/route", method="POST",
                                     data=json.dumps({"call_id": call_id, "agent": agent}).encode(),
                                     headers={"Content-Type": "application/json"})
        t0 = time.time()
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                code, body = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            code, body = e.code, e.read().decode()
        res = {"_path": "route_call", "call_id": call_id, "agent": agent, "code": code,
               "body": body, "_tx": t0, "_done": time.time()}
        with self.cv:
            self.events.append(res)
            self.cv.notify_all()
        return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--auto-route", help="agent to route every new call to")
    ap.add_argument("--delay", type=float, default=2.0)
    ap.add_argument("--early-media", help="wav file to play to held callers via 183 early media")
    a = ap.parse_args()
    hs = Homeshore(auto_route=a.auto_route, delay=a.delay, early_media=a.early_media).start()
    print("fake homeshore on http://127.0.0.1:18000 (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        hs.stop()
