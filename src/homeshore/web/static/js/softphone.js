// The advisor's softphone (JsSIP, served by the platform from /static/vendor): it registers
// with the platform's SIP server over WebSocket using a credential issued to this session
// only, and answers the calls of contacts this advisor accepted in the desk. Media goes
// through the platform's media relay (DTLS-SRTP); nothing is loaded from elsewhere.

import { api } from "./util.js";

const RENEW_MARGIN_MS = 60_000;

/**
 * Start the softphone. `expects(contactId)` says whether the desk accepted that contact;
 * `onState(name)` gets "registering", "registered", "failed" or "off"; `onCall(contactId,
 * state)` gets "connecting", "connected" or "ended". Returns {hangUp(contactId),
 * setMuted(contactId, muted), stop()}.
 */
export async function startSoftphone({ expects, onState, onCall, audio }) {
  let credential;
  try {
    credential = await api("GET", "/api/voice/softphone");
  } catch (error) {
    onState("failed", error);
    return null;
  }
  const JsSIP = window.JsSIP;
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(credential.ws_url)],
    uri: credential.uri,
    authorization_user: credential.username,
    password: credential.password,
    register: true,
    register_expires: 300,
    session_timers: false,
    user_agent: "homeshore desk",
  });
  const calls = new Map(); // contact id -> JsSIP session
  let renewTimer = null;

  function scheduleRenewal(expiresAt) {
    const wait = Math.max(5_000, Date.parse(expiresAt) - Date.now() - RENEW_MARGIN_MS);
    renewTimer = setTimeout(async () => {
      try {
        const next = await api("GET", "/api/voice/softphone");
        ua.set("authorization_user", next.username);
        ua.set("password", next.password);
        ua.register();
        scheduleRenewal(next.expires_at);
      } catch (error) {
        onState("failed", error);
      }
    }, wait);
  }

  ua.on("registered", () => onState("registered"));
  ua.on("unregistered", () => onState("registering"));
  ua.on("registrationFailed", (e) => onState("failed", new Error(e.cause)));
  ua.on("disconnected", () => onState("registering"));
  ua.on("newRTCSession", ({ originator, session, request }) => {
    if (originator !== "remote") return;
    const contactId = Number(request.getHeader("X-Homeshore-Contact"));
    if (!contactId || !expects(contactId) || calls.has(contactId)) {
      session.terminate({ status_code: 486, reason_phrase: "Busy Here" });
      return;
    }
    calls.set(contactId, session);
    onCall(contactId, "connecting");
    session.on("peerconnection", ({ peerconnection }) => {
      peerconnection.addEventListener("track", (event) => {
        audio.srcObject = event.streams[0] || new MediaStream([event.track]);
        audio.play().catch(() => {});
      });
    });
    session.on("confirmed", () => onCall(contactId, "connected"));
    const ended = () => {
      calls.delete(contactId);
      onCall(contactId, "ended");
    };
    session.on("ended", ended);
    session.on("failed", ended);
    session.answer({
      mediaConstraints: { audio: true, video: false },
      pcConfig: { iceServers: credential.ice_servers.map((url) => ({ urls: url })) },
    });
  });

  onState("registering");
  ua.start();
  scheduleRenewal(credential.expires_at);
  return {
    hangUp(contactId) {
      const session = calls.get(contactId);
      if (session && !session.isEnded()) session.terminate();
    },
    setMuted(contactId, muted) {
      const session = calls.get(contactId);
      if (!session) return;
      if (muted) session.mute({ audio: true });
      else session.unmute({ audio: true });
    },
    inCall(contactId) {
      return calls.has(contactId);
    },
    stop() {
      clearTimeout(renewTimer);
      ua.stop();
    },
  };
}
