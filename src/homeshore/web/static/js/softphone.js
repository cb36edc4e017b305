// The advisor's softphone (JsSIP, served by the platform from /static/vendor): it registers
// with the platform's SIP server over WebSocket using a credential issued to this session
// only, answers the calls of contacts this advisor accepted in the desk, and calls back
// the customers of contacts to call back. Media goes through the platform's media relay
// (DTLS-SRTP); nothing is loaded from elsewhere.

import { microphoneConstraint, useChosenSpeaker } from "./headset.js";
import { api } from "./util.js";

const RENEW_MARGIN_MS = 60_000;
const QUALITY_EVERY_MS = 5_000;

/** Round-trip time to the media relay, jitter and loss since the previous sample. */
async function qualitySample(pc, previous) {
  const report = await pc.getStats();
  let rttS = null;
  let jitterS = 0;
  let lost = 0;
  let received = 0;
  report.forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "audio") {
      jitterS = s.jitter || 0;
      lost = s.packetsLost || 0;
      received = s.packetsReceived || 0;
    } else if (s.type === "candidate-pair" && s.nominated && s.currentRoundTripTime !== undefined) {
      rttS = s.currentRoundTripTime;
    } else if (s.type === "remote-inbound-rtp" && s.roundTripTime !== undefined && rttS === null) {
      rttS = s.roundTripTime;
    }
  });
  const counts = { lost, received };
  const dLost = Math.max(0, lost - previous.lost);
  const dReceived = received - previous.received;
  if (rttS === null || dReceived <= 0) return { counts, sample: null };
  return {
    counts,
    sample: {
      rtt_ms: Math.round(rttS * 10000) / 10,
      jitter_ms: Math.round(jitterS * 10000) / 10,
      loss_pct: Math.round((10000 * dLost) / (dLost + dReceived)) / 100,
    },
  };
}

/**
 * Start the softphone. `expects(contactId)` says whether the desk accepted that contact;
 * `onState(name)` gets "registering", "registered", "failed" or "off"; `onCall(contactId,
 * state)` gets "connecting", "connected" or "ended"; `onQuality(contactId, sample)` gets
 * the call's round-trip time, jitter and loss every few seconds. Returns {dial(contactId,
 * target), hangUp(contactId), setMuted(contactId, muted), mixIn(contactId, voice),
 * inCall(contactId), stop()}.
 */
export async function startSoftphone({ expects, onState, onCall, onQuality, audio }) {
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
  // calls the manager joined: the desk mixes the manager's voice into what the caller gets
  const mixes = new Map(); // contact id -> { ctx, microphone, track }
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
  /** The other party's voice on the chosen speaker. */
  function playRemote(peerconnection) {
    peerconnection.addEventListener("track", async (event) => {
      audio.srcObject = event.streams[0] || new MediaStream([event.track]);
      await useChosenSpeaker(audio);
      audio.play().catch(() => {});
    });
  }

  /** A call of a contact, incoming or placed: its states and quality samples. */
  function follow(contactId, session) {
    calls.set(contactId, session);
    onCall(contactId, "connecting");
    let counts = { lost: 0, received: 0 };
    let qualityTimer = null;
    session.on("confirmed", () => {
      onCall(contactId, "connected");
      qualityTimer = setInterval(async () => {
        if (!session.connection) return;
        const measured = await qualitySample(session.connection, counts);
        counts = measured.counts;
        if (measured.sample) onQuality(contactId, measured.sample);
      }, QUALITY_EVERY_MS);
    });
    const ended = () => {
      clearInterval(qualityTimer);
      mixes.get(contactId)?.ctx.close();
      mixes.delete(contactId);
      calls.delete(contactId);
      onCall(contactId, "ended");
    };
    session.on("ended", ended);
    session.on("failed", ended);
  }

  ua.on("newRTCSession", ({ originator, session, request }) => {
    if (originator !== "remote") return;
    const contactId = Number(request.getHeader("X-Homeshore-Contact"));
    if (!contactId || !expects(contactId) || calls.has(contactId)) {
      session.terminate({ status_code: 486, reason_phrase: "Busy Here" });
      return;
    }
    session.on("peerconnection", ({ peerconnection }) => playRemote(peerconnection));
    follow(contactId, session);
    session.answer({
      mediaConstraints: { audio: microphoneConstraint(), video: false },
      pcConfig: { iceServers: credential.ice_servers.map((url) => ({ urls: url })) },
    });
  });

  onState("registering");
  ua.start();
  scheduleRenewal(credential.expires_at);
  return {
    /** Call a customer back: the platform's SIP server dials the number behind `target`. */
    dial(contactId, target) {
      if (calls.has(contactId)) return;
      const session = ua.call(target, {
        mediaConstraints: { audio: microphoneConstraint(), video: false },
        pcConfig: { iceServers: credential.ice_servers.map((url) => ({ urls: url })) },
        eventHandlers: { peerconnection: ({ peerconnection }) => playRemote(peerconnection) },
      });
      follow(contactId, session);
    },
    hangUp(contactId) {
      const session = calls.get(contactId);
      if (session && !session.isEnded()) session.terminate();
    },
    setMuted(contactId, muted) {
      const session = calls.get(contactId);
      if (!session) return;
      const mix = mixes.get(contactId);
      if (mix) mix.microphone.enabled = !muted; // the manager's voice still goes through
      else if (muted) session.mute({ audio: true });
      else session.unmute({ audio: true });
    },
    /** Mix `voice` (a MediaStream: the manager's) into what the caller gets, or stop
     * (null): the caller hears the advisor and the manager (three-way, mixed here). */
    async mixIn(contactId, voice) {
      const sender = calls.get(contactId)?.connection?.getSenders().find((s) => s.track?.kind === "audio");
      if (!sender) return;
      const mix = mixes.get(contactId);
      if (voice && !mix) {
        const microphone = sender.track;
        const ctx = new AudioContext();
        const out = ctx.createMediaStreamDestination();
        ctx.createMediaStreamSource(new MediaStream([microphone])).connect(out);
        ctx.createMediaStreamSource(voice).connect(out);
        const [track] = out.stream.getAudioTracks();
        mixes.set(contactId, { ctx, microphone, track });
        await sender.replaceTrack(track);
      } else if (!voice && mix) {
        mixes.delete(contactId);
        await sender.replaceTrack(mix.microphone);
        mix.ctx.close();
      }
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
