// Home readiness check: timed probes over a websocket to the platform (round trip, jitter,
// loss), one bulk transfer each way (bandwidth), and the checklist. The raw measurements go
// to the server, which summarises them and gives the verdict (E-model, DOMAIN.md section 4);
// the verdict shown is the one stored for the agent.

import { api, number, page, showError, t } from "./util.js";

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

/** Probes, then a download and an upload; resolves with the raw measurements. */
async function measure(socket) {
  const sentAt = new Map();
  const rtts = new Map();
  const waiting = new Map(); // transfer kind -> resolve
  socket.addEventListener("message", (message) => {
    const arrived = performance.now();
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    if (data.type === "probe" && sentAt.has(data.seq) && !rtts.has(data.seq)) {
      const rtt = arrived - sentAt.get(data.seq);
      if (rtt <= plan.timeout_s * 1000) rtts.set(data.seq, rtt);
    } else if (waiting.has(data.type)) {
      waiting.get(data.type)({ data, arrived });
      waiting.delete(data.type);
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
  const transfers = [];
  for (const [kind, size] of [["download", plan.download_bytes], ["upload", plan.upload_bytes]]) {
    const request = { type: kind, bytes: size };
    if (kind === "upload") request.payload = "x".repeat(size);
    const start = performance.now();
    const answer = new Promise((resolve) => { waiting.set(kind, resolve); });
    socket.send(JSON.stringify(request));
    const result = await Promise.race([answer, sleep(30000).then(() => null)]);
    if (result && result.data.bytes > 0) {
      transfers.push({ direction: kind, size_bytes: result.data.bytes, elapsed_ms: Math.max(0.001, result.arrived - start) });
    }
    progress.value += 100 / steps;
  }
  const probes = [];
  for (let seq = 0; seq < plan.count; seq += 1) probes.push({ seq, rtt_ms: rtts.has(seq) ? rtts.get(seq) : null });
  return { probes, transfers };
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
    const result = await api("POST", "/api/readiness/probe", {
      ...measured,
      probes_per_sample: plan.probes_per_sample,
      wired: document.getElementById("chk-wired").checked,
      usb_headset: document.getElementById("chk-headset").checked,
      quiet_room: document.getElementById("chk-quiet").checked,
    });
    progress.value = 100;
    show(result);
  } catch (error) {
    showError(errorBox, error.message || String(error));
  } finally {
    if (socket) socket.close();
    startButton.disabled = false;
  }
});
document.getElementById("verdict").tabIndex = -1;
