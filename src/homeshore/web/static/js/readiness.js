// Home readiness check: timed probes over a websocket to the platform (round trip, jitter,
// loss), one bulk transfer each way (bandwidth), and the checklist. With voice on, a test
// tone also goes through the media relay and back over WebRTC, the path a call's audio
// takes (UDP, ICE, DTLS-SRTP). The server times the same run on its own clock: every
// stamped echo and download is acknowledged at once, and the upload is sent when the server
// asks for it. The page posts the run's probe id with what it timed itself (round trips, the
// media echo's WebRTC statistics): the server judges its own measurement, and the page's
// figures, shown as reported by the browser, can only make the verdict worse (E-model,
// DOMAIN.md section 4); the verdict shown is the one stored for the agent.

import { chooseHeadset, chosenHeadset, listAudioDevices } from "./headset.js";
import { api, iceGathered, number, page, showError, t } from "./util.js";

const plan = page.probe_plan;
const form = document.getElementById("readiness-form");
const progress = document.getElementById("readiness-progress");
const progressWrap = document.getElementById("readiness-progress-wrap");
const errorBox = document.getElementById("readiness-error");
const startButton = document.getElementById("readiness-start");

function openSocket() {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${scheme}//${window.location.host}${page.probe_path}`);
    socket.addEventListener("open", () => resolve(socket), { once: true });
    socket.addEventListener("error", () => reject(new Error(t("readiness.no_connection"))), { once: true });
  });
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** Probes, then a download and an upload; resolves with the probe id the server gave the
 * run and the round trips timed here. */
async function measure(socket) {
  const sentAt = new Map();
  const rtts = new Map();
  const waiting = new Map(); // kind -> resolve
  let probeId = null;
  let downloaded = ""; // the upload sends it back
  const ack = (stamp) => socket.send(JSON.stringify({ type: "ack", stamp }));
  socket.addEventListener("message", (message) => {
    const arrived = performance.now();
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    if ((data.type === "probe" || data.type === "download") && typeof data.stamp === "string") {
      ack(data.stamp); // at once: the server times the round trip to its ack
    }
    if (data.type === "hello") {
      probeId = data.probe_id;
    } else if (data.type === "probe" && sentAt.has(data.seq) && !rtts.has(data.seq)) {
      const rtt = arrived - sentAt.get(data.seq);
      if (rtt <= plan.timeout_s * 1000) rtts.set(data.seq, rtt);
    } else if (data.type === "download") {
      downloaded = typeof data.payload === "string" ? data.payload : "";
      waiting.get("download")?.(data);
    } else if (data.type === "upload" && typeof data.stamp === "string") {
      // the stamp ahead of the payload: the server checks it came first
      const payload = downloaded.slice(0, data.bytes);
      socket.send(JSON.stringify({ type: "payload", stamp: data.stamp, payload }));
    } else if (data.type === "uploaded" || data.type === "error") {
      for (const resolve of waiting.values()) resolve(data);
    }
  });
  const steps = plan.count + 2;
  for (let seq = 0; seq < plan.count; seq += 1) {
    sentAt.set(seq, performance.now());
    socket.send(JSON.stringify({ type: "probe", seq }));
    progress.value = (100 * (seq + 1)) / steps;
    await sleep(plan.interval_s * 1000);
  }
  const deadline = performance.now() + plan.timeout_s * 1000;
  while (rtts.size < plan.count && performance.now() < deadline) await sleep(20);
  for (const [kind, size] of [["download", plan.download_bytes], ["upload", plan.upload_bytes]]) {
    const answer = new Promise((resolve) => { waiting.set(kind, resolve); });
    socket.send(JSON.stringify({ type: kind, bytes: size }));
    await Promise.race([answer, sleep(30000)]);
    waiting.delete(kind);
    progress.value += 100 / steps;
  }
  if (!probeId) throw new Error(t("readiness.no_connection"));
  const probes = [];
  for (let seq = 0; seq < plan.count; seq += 1) probes.push({ seq, rtt_ms: rtts.has(seq) ? rtts.get(seq) : null });
  return { probe_id: probeId, probes };
}

const ECHO_PATH = "/api/voice/readiness";
const ECHO_SECONDS = 8;
const ECHO_SETUP_MS = 5000;

/** The browser's counters: the round trip to the relay (ICE candidate pair) and the audio
 * that came back (inbound RTP: packets received and lost, jitter). */
async function echoCounters(pc) {
  const counters = { rtt_ms: null, jitter_ms: 0, received: 0, lost: 0 };
  const stats = await pc.getStats();
  stats.forEach((s) => {
    if (s.type === "candidate-pair" && s.nominated && s.currentRoundTripTime !== undefined) {
      counters.rtt_ms = s.currentRoundTripTime * 1000;
    } else if (s.type === "inbound-rtp" && s.kind === "audio") {
      counters.jitter_ms = (s.jitter || 0) * 1000;
      counters.received = s.packetsReceived || 0;
      counters.lost = Math.max(0, s.packetsLost || 0);
    }
  });
  return counters;
}

/** A test tone (no microphone) sent to the media relay, which offers the leg (as it does
 * for a call) and sends the tone straight back; one interval of figures per second. */
async function mediaEcho(onSecond) {
  const audio = new AudioContext();
  const tone = audio.createOscillator();
  const sink = audio.createMediaStreamDestination();
  tone.connect(sink);
  tone.start();
  const servers = page.media_probe.ice_servers;
  const pc = new RTCPeerConnection(servers.length ? { iceServers: [{ urls: servers }] } : {});
  let session = null;
  try {
    const echo = await api("POST", ECHO_PATH);
    session = echo.session;
    await pc.setRemoteDescription({ type: "offer", sdp: echo.sdp });
    const [track] = sink.stream.getAudioTracks();
    pc.addTrack(track, sink.stream);
    await pc.setLocalDescription(await pc.createAnswer());
    await iceGathered(pc);
    await api("PUT", `${ECHO_PATH}/${session}`, { sdp: pc.localDescription.sdp });
    // count from the first echoed packet (ICE and DTLS take a moment); a path that carries
    // nothing within a few seconds is measured as it is: all lost
    const settled = performance.now() + ECHO_SETUP_MS;
    while (performance.now() < settled && (await echoCounters(pc)).received === 0) await sleep(50);
    const intervals = [];
    let before = await echoCounters(pc);
    for (let second = 0; second < ECHO_SECONDS; second += 1) {
      await sleep(1000);
      const now = await echoCounters(pc);
      intervals.push({
        rtt_ms: now.rtt_ms,
        jitter_ms: now.jitter_ms,
        received: Math.max(0, now.received - before.received),
        lost: Math.max(0, now.lost - before.lost),
      });
      before = now;
      onSecond();
    }
    return intervals;
  } finally {
    pc.close();
    tone.stop();
    audio.close();
    if (session) api("DELETE", `${ECHO_PATH}/${session}`).catch(() => {});
  }
}

function show(result) {
  const section = document.getElementById("readiness-result");
  section.hidden = false;
  const verdict = document.getElementById("verdict");
  verdict.dataset.verdict = result.check.verdict;
  verdict.textContent = t(`verdict.${result.check.verdict}`);
  const reasons = result.reasons.length ? result.reasons : [t("readiness.no_reason")];
  document.getElementById("reasons").replaceChildren(...reasons.map((r) => Object.assign(document.createElement("li"), { textContent: r })));
  const figures = document.getElementById("figures");
  const s = result.summary;
  const put = (name, text) => { figures.querySelector(`[data-field="${name}"]`).textContent = text; };
  put("rtt_ms", `${number(s.rtt_ms, 1)} ms`);
  put("jitter_ms", `${number(s.jitter_ms, 1)} ms`);
  put("loss_pct", `${number(s.loss_pct, 1)} %`);
  put("bandwidth_kbps", s.bandwidth_kbps === null ? "—" : `${number(s.bandwidth_kbps)} kbit/s`);
  put("r_factor", number(result.check.r_factor, 1));
  put("mos", number(result.check.mos, 2));
  const source = document.getElementById("readiness-source");
  source.dataset.source = result.check.source || "";
  const r = result.reported;
  source.textContent = r
    ? [
      t("readiness.reported", { rtt: number(r.rtt_ms, 1), jitter: number(r.jitter_ms, 1), loss: number(r.loss_pct, 1) }),
      result.judged_on === "reported" ? t("readiness.reported_worse") : "",
    ].join(" ")
    : "";
  const path = document.getElementById("readiness-path");
  path.dataset.path = result.check.path || "";
  path.textContent = [
    result.check.path ? t(`readiness.path.${result.check.path}`) : "",
    result.media_failed ? t("readiness.media_failed", { reason: result.media_failed }) : "",
  ].join(" ");
  document.getElementById("checked-at").textContent = result.checked_at_text;
  verdict.focus();
}

form.addEventListener("submit", async (submit) => {
  submit.preventDefault();
  errorBox.hidden = true;
  startButton.disabled = true;
  progressWrap.hidden = false;
  progress.value = 0;
  let socket;
  try {
    socket = await openSocket();
    const measured = await measure(socket);
    let media;
    let mediaFailed = null;
    if (page.media_probe) {
      try {
        media = await mediaEcho(() => { progress.value = Math.min(99, progress.value + 1); });
      } catch (error) {
        mediaFailed = error.message || String(error); // judged on the websocket probes
      }
    }
    const result = await api("POST", "/api/readiness/probe", {
      ...measured,
      ...(media ? { media } : {}),
      probes_per_sample: plan.probes_per_sample,
      wired: document.getElementById("chk-wired").checked,
      usb_headset: document.getElementById("chk-headset").checked,
      quiet_room: document.getElementById("chk-quiet").checked,
      vpn: document.getElementById("chk-vpn").checked,
      access: document.getElementById("sel-access").value || null,
    });
    progress.value = 100;
    show({ ...result, media_failed: mediaFailed });
  } catch (error) {
    showError(errorBox, error.message || String(error));
  } finally {
    if (socket) socket.close();
    startButton.disabled = false;
  }
});
document.getElementById("verdict").tabIndex = -1;

// -- the headset the desk's softphone uses ----------------------------------------------

const inputSelect = document.getElementById("headset-input");
const outputSelect = document.getElementById("headset-output");
const chosenLine = document.getElementById("headset-chosen");

function showChosen() {
  const choice = chosenHeadset();
  chosenLine.textContent = t("readiness.headset.chosen", {
    microphone: choice.inputLabel || t("readiness.headset.default"),
    speaker: choice.outputLabel || t("readiness.headset.default"),
  });
}

function fill(select, devices, chosen) {
  const first = select.options[0];
  select.replaceChildren(first, ...devices.map((device, index) => {
    const option = document.createElement("option");
    option.value = device.deviceId;
    option.textContent = device.label || `${index + 1}`;
    option.selected = device.deviceId === chosen;
    return option;
  }));
  select.disabled = false;
}

function saveChoice() {
  const label = (select) => (select.value ? select.selectedOptions[0].textContent : "");
  chooseHeadset({
    input: inputSelect.value,
    output: outputSelect.value,
    inputLabel: label(inputSelect),
    outputLabel: label(outputSelect),
  });
  showChosen();
}

document.getElementById("headset-list").addEventListener("click", async () => {
  errorBox.hidden = true;
  try {
    const { inputs, outputs } = await listAudioDevices();
    const choice = chosenHeadset();
    fill(inputSelect, inputs, choice.input);
    fill(outputSelect, outputs, choice.output);
  } catch (error) {
    showError(errorBox, t("readiness.headset.denied", { reason: error.message || String(error) }));
  }
});
inputSelect.addEventListener("change", saveChoice);
outputSelect.addEventListener("change", saveChoice);
showChosen();
