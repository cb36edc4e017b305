// Supervisor console: live queue tiles against targets, the team's agents with state,
// location and adherence, the help-request inbox, who is on which contact, and the day's
// re-forecast, gap and offers (intraday.js) and the advisors' schedule requests to decide
// (requests.js). Everything is kept current by the event stream; the figures themselves are
// the server's.

import { streamEvents } from "./events.js";
import { startDay } from "./intraday.js";
import { showTeamQuality } from "./quality.js";
import { startRequestsPanel } from "./requests.js";
import { renderTile } from "./tiles.js";
import {
  announce, api, clockTime, duration, el, iceGathered, page, percent, serverNow, showError, t,
} from "./util.js";

const queues = page.queues;
const teams = page.teams;
const conforming = page.conforming;
const errorBox = document.getElementById("supervisor-error");
const agents = new Map(page.agents.map((a) => [a.id, { ...a, since: a.state_since ? Date.parse(a.state_since) : null }]));
const contacts = new Map(page.contacts.map((c) => [c.id, c]));
const helps = new Map(); // conversation id -> {conversation, contact_id, agent_id, messages: [], seen: Set}
let selectedHelp = null;
const OPEN = ["queued", "offered", "active", "wrap_up"];
let customerConversation = null; // {id, contact_id, seen: Set} once the manager took a contact over

function fail(error) {
  showError(errorBox, error.message || String(error));
}

function agentName(id) {
  return agents.get(id)?.name || id || "—";
}

// -- agents -------------------------------------------------------------------------------

function scheduledSegment(agent, now) {
  for (const s of agent.schedule || []) {
    if (Date.parse(s.start) <= now && now < Date.parse(s.end)) return s;
  }
  return null;
}

// states in which an advisor works somewhere: their place is compared with the rostered one
const AT_WORK = ["available", "reserved", "busy", "wrap_up"];

function renderAgents() {
  const body = document.querySelector("#agents-table tbody");
  const now = serverNow();
  // out-of-adherence advisors first, then by name
  const rows = [...agents.values()].map((agent) => {
    const segment = scheduledSegment(agent, now);
    const activity = segment ? segment.activity : null;
    // working from another place than the rostered one (home on a site day): recorded, out
    const elsewhere = segment !== null && AT_WORK.includes(agent.state) && !!agent.location
      && !!segment.location && agent.location !== segment.location ? segment.location : null;
    const conformingState = activity !== null && (conforming[activity] || []).includes(agent.state);
    const adherence = activity === null ? "none" : conformingState && !elsewhere ? "in" : "out";
    return { agent, activity, adherence, elsewhere };
  }).sort((a, b) => (a.adherence === "out" ? 0 : 1) - (b.adherence === "out" ? 0 : 1) || a.agent.name.localeCompare(b.agent.name));
  body.replaceChildren(...rows.map(({ agent, activity, adherence, elsewhere }) => {
    const adherenceText = activity === null
      ? t("adherence.unscheduled")
      : elsewhere
        ? t("adherence.elsewhere", { location: t(`location.${elsewhere}`) })
        : t(`adherence.${adherence}`, { activity: t(`activity.${activity}`) });
    const held = [...contacts.values()]
      .filter((c) => c.agent_id === agent.id && OPEN.includes(c.state))
      .map((c) => `#${c.id}`);
    return el("tr", { dataset: { agent: agent.id, adherence } },
      el("th", { scope: "row", text: agent.name }),
      el("td", { text: teams[agent.team_id] || agent.team_id }),
      el("td", {}, el("span", { class: "badge", dataset: { state: agent.state }, text: t(`state.${agent.state}`) })),
      el("td", { class: "num", text: agent.since ? duration((now - agent.since) / 1000) : "—" }),
      el("td", { text: agent.location ? t(`location.${agent.location}`) : "—" }),
      el("td", {}, el("span", { class: "badge", dataset: { adherence }, text: adherenceText }),
        agent.adherence_today === null || agent.adherence_today === undefined ? null
          : el("span", { class: "muted today", text: ` ${t("adherence.today", { share: percent(agent.adherence_today) })}` })),
      el("td", { text: held.join(" ") || "—" }));
  }));
}

/** A way of working: the location, and from home the declared set-up (wired or Wi-Fi,
 * headset, access, VPN; "?" where the advisor did not say). */
function wayText(row) {
  const where = row.location ? t(`location.${row.location}`) : "—";
  if (!row.setup) return where;
  const parts = row.setup.split(",").filter((part) => part !== "?").map((part) => t(`setup.${part}`));
  return parts.length ? `${where} · ${parts.join(" · ")}` : where;
}

/** Today's call quality per way of working, from the server (after quality samples). */
let qualityTimer = null;
function refreshQualitySoon(delayMs = 2000) {
  if (!document.getElementById("quality-card")) return;
  clearTimeout(qualityTimer);
  qualityTimer = setTimeout(async () => {
    try {
      const report = await api("GET", "/api/voice/quality");
      const body = document.querySelector("#quality-setups tbody");
      body.replaceChildren(...report.setups.map((row) => el("tr", { dataset: { location: row.location, setup: row.setup } },
        el("th", { scope: "row", text: wayText(row) }),
        el("td", { text: String(row.advisors) }),
        el("td", { text: String(row.calls) }),
        el("td", { text: row.mean_mos.toFixed(2) }),
        el("td", { text: row.min_mos.toFixed(2) }),
        el("td", { text: String(row.low_calls) }))));
      document.getElementById("quality-empty").hidden = report.setups.length > 0;
    } catch (error) {
      fail(error);
    }
  }, delayMs);
}

/** The day's adherence share comes from the server: fetched again after state changes. */
let adherenceTimer = null;
function refreshAdherenceSoon() {
  clearTimeout(adherenceTimer);
  adherenceTimer = setTimeout(async () => {
    try {
      for (const kpis of await api("GET", "/api/metrics/agents")) {
        const agent = agents.get(kpis.agent_id);
        if (agent) agent.adherence_today = kpis.adherence_today;
      }
      renderAgents();
    } catch (error) {
      fail(error);
    }
  }, 2000);
}

// -- contacts (who is on which) ---------------------------------------------------------


function renderContacts() {
  const body = document.querySelector("#contacts-table tbody");
  const open = [...contacts.values()].filter((c) => OPEN.includes(c.state));
  open.sort((a, b) => a.id - b.id);
  document.getElementById("contacts-empty").hidden = open.length > 0;
  body.replaceChildren(...open.map((c) => el("tr", { dataset: { contact: c.id, state: c.state } },
    el("th", { scope: "row", text: `#${c.id}` }),
    el("td", { text: queues[c.queue_id]?.name || c.queue_id }),
    el("td", { text: c.customer_ref || "" }),
    el("td", { text: t(`contact_state.${c.state}`) }),
    el("td", { text: c.agent_id ? agentName(c.agent_id) : c.handler_user_id === page.user_id ? t("supervisor.you") : "—" }),
    el("td", { text: c.since ? clockTime(c.since) : "" }),
    el("td", { class: "call-quality", dataset: { low: String(Boolean(c.low)) }, text: callText(c) },
      listenable(c) ? el("button", {
        type: "button", class: "secondary", dataset: { action: "listen", contact: c.id },
        "aria-pressed": String(listening?.contactId === c.id),
        text: listening?.contactId === c.id ? t("supervisor.listen.stop") : t("supervisor.listen"),
      }) : null))));
  document.getElementById("listen-controls").hidden = !listening;
  document.getElementById("listen-status").textContent = listening ? t("supervisor.listen.on", { id: listening.contactId }) : "";
  const talk = document.querySelector('#listen-controls [data-action="whisper"]');
  talk.setAttribute("aria-pressed", String(Boolean(listening?.whisper)));
  talk.textContent = listening?.whisper ? t("supervisor.whisper.stop") : t("supervisor.whisper");
  const join = document.querySelector('#listen-controls [data-action="barge"]');
  join.hidden = !listening?.whisper;
  join.setAttribute("aria-pressed", String(Boolean(listening?.whisper?.barge)));
  join.textContent = listening?.whisper?.barge ? t("supervisor.barge.stop") : t("supervisor.barge");
}

// -- listening to a call (silent monitoring; the advisor is told) --------------------------

let listening = null; // { contactId, session, pcs, iceServers, whisper }

function listenable(c) {
  return page.voice && c.channel === "voice" && c.state === "active" && Boolean(c.agent_id);
}

/** The relay's offers (the caller's audio, the advisor's), each answered receive-only. */
async function startListening(contactId) {
  await stopListening();
  const offer = await api("POST", `/api/voice/contacts/${contactId}/listen`);
  const iceServers = offer.ice_servers.map((url) => ({ urls: url }));
  listening = { contactId, session: offer.session, pcs: [], iceServers };
  const speakers = document.getElementById("listen-audio");
  try {
    for (const [party, sdp] of Object.entries(offer.offers)) {
      const pc = new RTCPeerConnection({ iceServers });
      listening.pcs.push(pc);
      pc.ontrack = (event) => {
        const audio = el("audio", { autoplay: true, dataset: { party } });
        audio.srcObject = new MediaStream([event.track]);
        speakers.append(audio);
        audio.play().catch(() => {});
      };
      await pc.setRemoteDescription({ type: "offer", sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await iceGathered(pc);
      await api("PUT", `/api/voice/contacts/${contactId}/listen/${offer.session}/${party}`, { sdp: pc.localDescription.sdp });
    }
  } catch (error) {
    await stopListening();
    throw error;
  }
  renderContacts();
}

/** While listening: the manager's microphone, published to the relay for the advisor
 * only (the caller's leg never receives it). */
async function startWhisper() {
  const { contactId, session } = listening;
  const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
  const pc = new RTCPeerConnection({ iceServers: listening.iceServers });
  for (const track of microphone.getAudioTracks()) pc.addTransceiver(track, { direction: "sendonly" });
  listening.whisper = { pc, microphone };
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc);
    const answer = await api("POST", `/api/voice/contacts/${contactId}/listen/${session}/whisper`, { sdp: pc.localDescription.sdp });
    await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
  } catch (error) {
    await stopWhisper(false);
    throw error;
  }
  renderContacts();
}

async function stopWhisper(tell = true) {
  const whisper = listening?.whisper;
  if (!whisper) return;
  const { contactId, session } = listening;
  listening.whisper = null;
  whisper.pc.close();
  for (const track of whisper.microphone.getTracks()) track.stop();
  renderContacts();
  if (!tell) return;
  try {
    await api("DELETE", `/api/voice/contacts/${contactId}/listen/${session}/whisper`);
  } catch (error) {
    if (error.status !== 404) fail(error);
  }
}

document.querySelector('#listen-controls [data-action="whisper"]').addEventListener("click", async () => {
  try {
    if (listening?.whisper) await stopWhisper();
    else if (listening) await startWhisper();
  } catch (error) {
    fail(error);
  }
});

/** While talking to the advisor: join the call (the caller hears the manager too) or
 * leave it; the advisor's desk mixes the manager's voice in. */
document.querySelector('#listen-controls [data-action="barge"]').addEventListener("click", async () => {
  const whisper = listening?.whisper;
  if (!whisper) return;
  const on = !whisper.barge;
  try {
    await api("PUT", `/api/voice/contacts/${listening.contactId}/listen/${listening.session}/barge`, { on });
    whisper.barge = on;
    renderContacts();
  } catch (error) {
    fail(error);
  }
});

/** Stop listening (``tell``: the server does not know yet). */
async function stopListening(tell = true) {
  if (!listening) return;
  await stopWhisper(false); // the server ends the whisper with the listening
  const { contactId, session, pcs } = listening;
  listening = null;
  for (const pc of pcs) pc.close();
  document.getElementById("listen-audio").replaceChildren();
  renderContacts();
  if (!tell) return;
  try {
    await api("DELETE", `/api/voice/contacts/${contactId}/listen/${session}`);
  } catch (error) {
    if (error.status !== 404) fail(error);
  }
}

document.querySelector("#contacts-table tbody").addEventListener("click", async (event) => {
  const button = event.target.closest('button[data-action="listen"]');
  if (!button) return;
  const contactId = Number(button.dataset.contact);
  try {
    if (listening?.contactId === contactId) await stopListening();
    else await startListening(contactId);
  } catch (error) {
    fail(error);
  }
});

/** A call's last quality sample (MOS from the advisor's desk) and whether it is on hold. */
function callText(c) {
  const parts = [];
  if (c.mos !== undefined) parts.push(t("supervisor.call.mos", { mos: c.mos.toFixed(1) }));
  if (c.held) parts.push(t("supervisor.call.held"));
  return parts.join(" · ");
}

async function loadContact(contactId, patch) {
  let contact = contacts.get(contactId);
  if (!contact) {
    try {
      contact = await api("GET", `/api/contacts/${contactId}`);
    } catch (error) {
      if (error.status !== 404) fail(error);
      return;
    }
  }
  contacts.set(contactId, { ...contact, ...patch });
  renderContacts();
  renderAgents();
}

// -- help inbox ---------------------------------------------------------------------------

function renderHelpList() {
  const list = document.getElementById("help-list");
  const open = [...helps.values()].filter((h) => h.conversation.state === "open");
  document.getElementById("help-count").textContent = String(open.length);
  document.getElementById("help-empty").hidden = open.length > 0;
  list.replaceChildren(...open.map((h) => {
    const contact = contacts.get(h.contact_id);
    const last = h.messages[h.messages.length - 1];
    return el("li", {}, el("button", {
      type: "button", class: "secondary", "aria-pressed": String(selectedHelp === h.conversation.id),
      dataset: { conversation: h.conversation.id },
      onclick: () => selectHelp(h.conversation.id),
    }, el("strong", { text: t("supervisor.help.item", { agent: agentName(h.agent_id), contact: h.contact_id }) }),
    el("br"), el("span", { text: last ? last.body : "" })));
  }));
  if (selectedHelp !== null && helps.get(selectedHelp)?.conversation.state !== "open") closePanel();
}

function messageItem(message, mineSender) {
  return el("li", { class: message.sender === mineSender ? "mine" : null },
    el("span", { class: "from", text: `${t(`sender.${message.sender}`)} · ${clockTime(message.created_at)}` }),
    el("span", { class: "body", text: message.body }));
}

function renderHelpPanel() {
  const panel = document.getElementById("help-panel");
  const help = helps.get(selectedHelp);
  if (!help) {
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  const contact = contacts.get(help.contact_id);
  document.getElementById("help-panel-title").textContent = t("supervisor.help.panel", { agent: agentName(help.agent_id), contact: help.contact_id });
  document.getElementById("help-panel-meta").textContent = contact
    ? `${queues[contact.queue_id]?.name || contact.queue_id} · ${contact.customer_ref} · ${t(`contact_state.${contact.state}`)}`
    : "";
  const joined = help.conversation.manager_user_id === page.user_id;
  const join = document.getElementById("help-join");
  join.disabled = joined;
  join.textContent = joined ? t("supervisor.help.joined") : t("supervisor.help.join");
  document.getElementById("help-takeover").disabled = !contact || contact.state !== "active" || !contact.agent_id;
  const log = document.getElementById("help-log");
  log.replaceChildren(...help.messages.map((m) => messageItem(m, "manager")));
  log.scrollTop = log.scrollHeight;
}

function selectHelp(conversationId) {
  selectedHelp = conversationId;
  renderHelpList();
  renderHelpPanel();
  showCustomerPanel();
  document.getElementById("help-reply-input").focus();
}

function closePanel() {
  selectedHelp = null;
  document.getElementById("help-panel").hidden = true;
}

async function addHelp(conversation, messages) {
  if (helps.has(conversation.id)) return helps.get(conversation.id);
  const help = {
    conversation,
    contact_id: conversation.contact_id,
    agent_id: conversation.agent_id,
    messages: [],
    seen: new Set(),
  };
  helps.set(conversation.id, help);
  for (const m of messages || await api("GET", `/api/conversations/${conversation.id}/messages`)) addHelpMessage(help, m);
  if (!contacts.has(help.contact_id)) await loadContact(help.contact_id, {});
  renderHelpList();
  return help;
}

function addHelpMessage(help, message) {
  if (help.seen.has(message.id)) return false;
  help.seen.add(message.id);
  help.messages.push(message);
  return true;
}

/** A message of the taken-over customer chat, shown once (API answer and event may race). */
function addCustomerMessage(message) {
  if (customerConversation.seen.has(message.id)) return;
  customerConversation.seen.add(message.id);
  const log = document.getElementById("customer-log");
  log.append(messageItem(message, "manager"));
  log.scrollTop = log.scrollHeight;
}

// take-over: the manager now talks to the customer
async function showCustomerPanel() {
  const help = helps.get(selectedHelp);
  const contact = help && contacts.get(help.contact_id);
  const panel = document.getElementById("customer-panel");
  if (!contact || contact.handler_user_id !== page.user_id || contact.channel !== "chat") {
    panel.hidden = true;
    return;
  }
  try {
    const conversations = await api("GET", `/api/conversations?contact_id=${contact.id}`);
    const customer = conversations.find((c) => c.kind === "customer");
    if (!customer) return;
    const messages = await api("GET", `/api/conversations/${customer.id}/messages`);
    customerConversation = { id: customer.id, contact_id: contact.id, seen: new Set(messages.map((m) => m.id)) };
    document.getElementById("customer-log").replaceChildren(...messages.map((m) => messageItem(m, "manager")));
    panel.hidden = false;
  } catch (error) {
    fail(error);
  }
}

document.getElementById("help-reply").addEventListener("submit", async (submit) => {
  submit.preventDefault();
  const box = document.getElementById("help-reply-input");
  const body = box.value.trim();
  const help = helps.get(selectedHelp);
  if (!body || !help) return;
  try {
    const message = await api("POST", `/api/conversations/${help.conversation.id}/messages`, { body });
    addHelpMessage(help, message);
    box.value = "";
    renderHelpPanel();
    renderHelpList();
  } catch (error) {
    fail(error);
  }
});

document.getElementById("customer-reply").addEventListener("submit", async (submit) => {
  submit.preventDefault();
  const box = document.getElementById("customer-reply-input");
  const body = box.value.trim();
  if (!body || !customerConversation) return;
  try {
    const message = await api("POST", `/api/conversations/${customerConversation.id}/messages`, { body });
    addCustomerMessage(message);
    box.value = "";
  } catch (error) {
    fail(error);
  }
});

for (const form of document.querySelectorAll("#help-reply, #customer-reply")) {
  form.querySelector("textarea").addEventListener("keydown", (key) => {
    if (key.key === "Enter" && !key.shiftKey) {
      key.preventDefault();
      form.requestSubmit();
    }
  });
}

document.getElementById("help-join").addEventListener("click", async () => {
  const help = helps.get(selectedHelp);
  if (!help) return;
  try {
    help.conversation = await api("POST", `/api/conversations/${help.conversation.id}/join`);
    renderHelpPanel();
  } catch (error) {
    fail(error);
  }
});

document.getElementById("help-close").addEventListener("click", async () => {
  const help = helps.get(selectedHelp);
  if (!help) return;
  try {
    help.conversation = await api("POST", `/api/conversations/${help.conversation.id}/close`);
    closePanel();
    renderHelpList();
    announce(t("supervisor.help.closed"));
  } catch (error) {
    fail(error);
  }
});

document.getElementById("help-takeover").addEventListener("click", async () => {
  const help = helps.get(selectedHelp);
  if (!help) return;
  try {
    const contact = await api("POST", `/api/contacts/${help.contact_id}/take-over`);
    contacts.set(contact.id, contact);
    renderContacts();
    renderAgents();
    renderHelpPanel();
    await showCustomerPanel();
    announce(t("supervisor.took_over", { contact: contact.id }));
  } catch (error) {
    fail(error);
  }
});

document.getElementById("help-transfer").addEventListener("submit", async (submit) => {
  submit.preventDefault();
  const help = helps.get(selectedHelp);
  if (!help) return;
  const toQueue = document.getElementById("help-transfer-queue").value;
  const toAgent = document.getElementById("help-transfer-agent").value.trim();
  if (Boolean(toQueue) === Boolean(toAgent)) {
    fail(new Error(t("agent.transfer.one")));
    return;
  }
  try {
    const contact = await api("POST", `/api/contacts/${help.contact_id}/transfer`, toQueue ? { to_queue: toQueue } : { to_agent: toAgent });
    contacts.set(contact.id, contact);
    renderContacts();
    renderAgents();
    renderHelpPanel();
    announce(t("supervisor.transferred", { contact: contact.id }));
  } catch (error) {
    fail(error);
  }
});

// -- events ---------------------------------------------------------------------------------

const CONTACT_STATE_OF = {
  "contact.created": "queued",
  "contact.offered": "offered",
  "contact.accepted": "active",
  "contact.ended": "wrap_up",
  "contact.requeued": "queued",
  "contact.rejected": null,
  "contact.offer_timeout": null,
  "contact.completed": "completed",
  "contact.abandoned": "abandoned",
};

function onContactEvent(event) {
  const id = event.contact_id;
  const data = event.data || {};
  const patch = { since: event.at };
  const newState = CONTACT_STATE_OF[event.type];
  if (newState) patch.state = newState;
  if (event.type === "contact.offered") patch.agent_id = event.agent_id;
  if (event.type === "contact.requeued") patch.agent_id = null;
  if (event.type === "contact.taken_over") {
    patch.agent_id = null;
    patch.handler_user_id = data.manager_user_id;
  }
  if (event.type === "contact.transferred") {
    loadFresh(id);
    return;
  }
  if (newState === null) return; // the requeue or the next offer follows
  loadContact(id, patch);
  if (selectedHelp !== null && helps.get(selectedHelp)?.contact_id === id) renderHelpPanel();
}

async function loadFresh(contactId) {
  try {
    contacts.set(contactId, { ...(await api("GET", `/api/contacts/${contactId}`)), since: new Date(serverNow()).toISOString() });
  } catch (error) {
    if (error.status === 404) contacts.delete(contactId);
    else fail(error);
  }
  renderContacts();
  renderAgents();
}

/** The evaluations card, refreshed after a contact closes or an evaluation is saved. */
let evaluationsTimer = null;
function refreshEvaluationsSoon(delayMs = 1500) {
  clearTimeout(evaluationsTimer);
  evaluationsTimer = setTimeout(() => {
    showTeamQuality(document.getElementById("evaluations-card"), agentName).catch(fail);
  }, delayMs);
}

/** An advisor's schedule changed (an offer taken, a change by hand): their segments of
 * today as the server changed them (the change replaces what it overlaps), for the
 * adherence shown here; the adherence figures themselves are fetched again. */
function changeSchedule(event) {
  const agent = agents.get(event.agent_id);
  const data = event.data || {};
  // a request changes a later day (data.day), not today's segments shown here
  if (!agent || !data.start) return;
  const from = Date.parse(data.start);
  const to = Date.parse(data.end);
  const kept = [];
  for (const s of agent.schedule || []) {
    if (Date.parse(s.end) <= from || Date.parse(s.start) >= to) {
      kept.push(s);
      continue;
    }
    if (Date.parse(s.start) < from) kept.push({ ...s, end: data.start });
    if (Date.parse(s.end) > to) kept.push({ ...s, start: data.end });
  }
  if (data.kind === "extra") {
    kept.push({ start: data.start, end: data.end, activity: "work", location: data.location, queue: data.queue_id });
  }
  agent.schedule = kept.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  renderAgents();
  refreshAdherenceSoon();
}

async function onEvent(event) {
  const data = event.data || {};
  if (event.type.startsWith("intraday.")) {
    onDayEvent(event);
    return;
  }
  if (event.type === "schedule.changed") {
    changeSchedule(event);
    return;
  }
  if (event.type === "schedule.request") {
    onRequestEvent(event);
    return;
  }
  if (["contact.completed", "evaluation.created", "contact.satisfaction"].includes(event.type)) {
    refreshEvaluationsSoon();
  }
  if (event.type === "queue.kpis") {
    for (const q of data.queues || []) renderTile(q, queues);
    return;
  }
  if (event.type === "agent.state") {
    const agent = agents.get(event.agent_id);
    if (agent) refreshAdherenceSoon();
    if (agent) {
      agent.state = data.state;
      agent.since = Date.parse(event.at);
      agent.location = data.location;
      renderAgents();
    }
    return;
  }
  if (event.type === "call.quality") {
    refreshQualitySoon();
    const before = contacts.get(event.contact_id);
    await loadContact(event.contact_id, { mos: data.mos, low: Boolean(data.low) });
    if (data.low && !before?.low) {
      announce(t("supervisor.call.low", { id: event.contact_id, agent: agentName(event.agent_id), mos: data.mos.toFixed(1) }));
    }
    return;
  }
  if (event.type === "call.listen.ended" && listening?.session === data.session) {
    await stopListening(false); // the call ended, or the manager stopped elsewhere
    return;
  }
  if (event.type === "call.held" || event.type === "call.resumed") {
    await loadContact(event.contact_id, { held: event.type === "call.held" });
    return;
  }
  if (event.type.startsWith("contact.")) {
    onContactEvent(event);
    if (event.type === "contact.escalated") announce(t("supervisor.help.announce", { agent: agentName(event.agent_id) }));
    return;
  }
  if (event.type === "help.opened") {
    try {
      const conversations = await api("GET", `/api/conversations?contact_id=${event.contact_id}`);
      const conversation = conversations.find((c) => c.id === data.conversation_id);
      if (conversation) await addHelp(conversation);
      announce(t("supervisor.help.announce", { agent: agentName(event.agent_id) }));
    } catch (error) {
      fail(error);
    }
    return;
  }
  if (event.type === "help.joined") {
    const help = helps.get(data.conversation_id);
    if (help) {
      help.conversation = { ...help.conversation, manager_user_id: data.manager_user_id };
      renderHelpPanel();
    }
    return;
  }
  if (event.type === "conversation.closed") {
    const help = helps.get(data.conversation_id);
    if (help) {
      help.conversation = { ...help.conversation, state: "closed" };
      if (selectedHelp === data.conversation_id) closePanel();
      renderHelpList();
    }
    return;
  }
  if (event.type === "message.created") {
    const message = { id: data.message_id, sender: data.sender, body: data.body, created_at: event.at };
    if (data.kind === "help") {
      let help = helps.get(data.conversation_id);
      if (!help) {
        const conversations = await api("GET", `/api/conversations?contact_id=${event.contact_id}`).catch(() => []);
        const conversation = conversations.find((c) => c.id === data.conversation_id);
        if (!conversation) return;
        help = await addHelp(conversation);
      }
      if (addHelpMessage(help, message)) {
        renderHelpList();
        if (selectedHelp === data.conversation_id) renderHelpPanel();
        if (data.sender === "agent") announce(t("supervisor.help.message", { agent: agentName(help.agent_id) }));
      }
    } else if (customerConversation && data.conversation_id === customerConversation.id) {
      addCustomerMessage(message);
    }
  }
}

// -- start ----------------------------------------------------------------------------------

for (const kpis of page.queue_kpis) renderTile(kpis, queues);
for (const item of page.help) {
  const help = {
    conversation: item.conversation,
    contact_id: item.conversation.contact_id,
    agent_id: item.conversation.agent_id,
    messages: [],
    seen: new Set(),
  };
  for (const m of item.messages) addHelpMessage(help, m);
  helps.set(item.conversation.id, help);
}
renderHelpList();
renderAgents();
renderContacts();
refreshQualitySoon(0);
refreshEvaluationsSoon(0);
setInterval(renderAgents, 1000);
const onDayEvent = startDay(agentName);
const onRequestEvent = startRequestsPanel();

streamEvents(onEvent, fail);
