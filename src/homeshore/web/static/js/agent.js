// Agent desktop: state, today's schedule, offers with a countdown, customer chats, wrap-up,
// transfer, the help chat with the manager, and my schedule requests (requests.js). Every
// change arrives as an event over the websocket (see events.js); actions are API calls
// whose effects come back as events.

import { streamEvents } from "./events.js";
import { extraTimeCard } from "./extra_time.js";
import { showOwnEvaluations } from "./quality.js";
import { requestsCard } from "./requests.js";
import { startSoftphone } from "./softphone.js";
import {
  announce, api, clockTime, dateTime, dayLabel, duration, el, field, fromTemplate, iceGathered, input,
  linkLabels, page, serverNow, showError, t,
} from "./util.js";

const me = page.agent;
const queues = page.queues || {};
const errorBox = document.getElementById("agent-error");
const offersBox = document.getElementById("offers");
const contactsBox = document.getElementById("contacts");
const contactsEmpty = document.getElementById("contacts-empty");
const stateBadge = document.getElementById("state");
const stateSince = document.getElementById("state-since");
const locationSelect = document.getElementById("location");

let state = { name: me.state, since: me.state_since ? Date.parse(me.state_since) : null };
let schedule = page.schedule || [];
let coming = page.coming || [];
let inContactTime = page.in_contact_time;
const offers = new Map(); // contact id -> {node, deadline, total}
const accepting = new Set(); // contacts accepted here whose call may ring the softphone
let softphone = null; // the softphone, when voice is on
const contacts = new Map(); // contact id -> {node, contact, chatId, helpId, seen:Set}

function fail(error) {
  showError(errorBox, error.message || String(error));
}

// -- state ------------------------------------------------------------------------------

function renderState() {
  stateBadge.dataset.state = state.name;
  stateBadge.textContent = t(`state.${state.name}`);
  for (const button of document.querySelectorAll("button[data-state]")) {
    button.setAttribute("aria-pressed", String(button.dataset.state === state.name));
  }
}

function tickStateClock() {
  stateSince.textContent = state.since ? t("agent.since", { duration: duration((serverNow() - state.since) / 1000) }) : "";
}

if (me.location && [...locationSelect.options].some((o) => o.value === me.location)) {
  locationSelect.value = me.location;
}

for (const button of document.querySelectorAll("button[data-state]")) {
  button.addEventListener("click", async () => {
    const body = { state: button.dataset.state };
    if (button.dataset.state === "available") body.location = locationSelect.value;
    try {
      const agent = await api("POST", `/api/agents/${encodeURIComponent(me.id)}/state`, body);
      state = { name: agent.state, since: agent.state_since ? Date.parse(agent.state_since) : serverNow() };
      renderState();
      tickStateClock();
    } catch (error) {
      fail(error);
    }
  });
}

// -- schedule and right to disconnect --------------------------------------------------

function renderSchedule() {
  const list = document.getElementById("schedule-list");
  list.replaceChildren();
  document.getElementById("schedule-empty").hidden = schedule.length > 0;
  const now = serverNow();
  let current = null;
  for (const segment of schedule) {
    const start = Date.parse(segment.start);
    const end = Date.parse(segment.end);
    const isNow = start <= now && now < end;
    if (isNow) current = segment;
    const where = t(`location.${segment.location}`) + (segment.queue ? ` · ${queues[segment.queue] || segment.queue}` : "");
    list.append(el("li", { dataset: { activity: segment.activity, start: segment.start, end: segment.end }, "aria-current": isNow ? "true" : null },
      el("span", { class: "when", text: `${clockTime(segment.start)}–${clockTime(segment.end)}` }),
      el("span", { text: `${t(`activity.${segment.activity}`)} (${where})` })));
  }
  document.getElementById("current-activity").textContent = current
    ? t("agent.now_activity", { activity: t(`activity.${current.activity}`), until: clockTime(current.end) })
    : t("agent.now_none");
  document.getElementById("notice-hours").hidden = inContactTime;
}

/** The published schedule after today: one line per day, its hours and where. */
function renderComing() {
  const list = document.getElementById("coming-list");
  document.getElementById("coming-empty").hidden = coming.length > 0;
  list.replaceChildren(...coming.map((day) => {
    const parts = day.segments.map((segment) => {
      const where = t(`location.${segment.location}`);
      return `${clockTime(segment.start)}–${clockTime(segment.end)} ${t(`activity.${segment.activity}`)} (${where})`;
    });
    const places = [...new Set(day.segments.map((segment) => segment.location))];
    return el("li", { dataset: { date: day.date, locations: places.join(" ") } },
      el("span", { class: "when", text: dayLabel(day.date) }),
      el("span", { text: parts.join(" · ") }));
  }));
}

function renderReadiness(verdict, due) {
  const notice = document.getElementById("notice-readiness");
  if (!me.work_modes.includes("home") || (verdict === "pass" && !due)) {
    notice.hidden = true;
    return;
  }
  notice.hidden = false;
  notice.dataset.due = due || "";
  const text = verdict === "pass" || (due && verdict === "warn")
    ? t(`agent.readiness_due.${due}`)
    : t(`agent.readiness.${verdict}`);
  document.getElementById("notice-readiness-text").textContent = text;
}

/** At the next schedule boundary, ask the server again whether contacts may reach us. */
let boundaryTimer = null;
function planBoundaryRefresh() {
  clearTimeout(boundaryTimer);
  const now = serverNow();
  const next = schedule.flatMap((s) => [Date.parse(s.start), Date.parse(s.end)]).filter((x) => x > now).sort((a, b) => a - b)[0];
  if (next === undefined) return;
  boundaryTimer = setTimeout(refreshDesk, Math.min(next - now + 1000, 2 ** 31 - 1));
}

async function refreshDesk() {
  try {
    const desk = await api("GET", "/api/pages/agent");
    schedule = desk.schedule;
    coming = desk.coming;
    inContactTime = desk.in_contact_time;
    renderSchedule();
    renderComing();
    planBoundaryRefresh();
  } catch (error) {
    fail(error);
  }
}

// -- offers -----------------------------------------------------------------------------

async function addOffer(contactId, deadlineIso) {
  if (offers.has(contactId)) return;
  let contact;
  try {
    contact = await api("GET", `/api/contacts/${contactId}`);
  } catch (error) {
    fail(error);
    return;
  }
  if (contact.state !== "offered" || offers.has(contactId)) return;
  const node = fromTemplate("offer-template");
  node.dataset.contact = String(contactId);
  node.setAttribute("aria-labelledby", `offer-title-${contactId}`);
  node.querySelector(".offer-title").id = `offer-title-${contactId}`;
  field(node, "queue").textContent = queues[contact.queue_id] || contact.queue_id;
  field(node, "customer").textContent = contact.customer_ref;
  field(node, "channel").textContent = t(`channel.${contact.channel}`);
  const deadline = Date.parse(deadlineIso || contact.offer_deadline);
  const offer = { node, deadline, total: Math.max(1, deadline - serverNow()) };
  offers.set(contactId, offer);
  node.querySelector('[data-action="accept"]').addEventListener("click", () => answerOffer(contactId, "accept"));
  node.querySelector('[data-action="reject"]').addEventListener("click", () => answerOffer(contactId, "reject"));
  offersBox.append(node);
  tickOffers();
  announce(t("agent.offer.announce", {
    queue: queues[contact.queue_id] || contact.queue_id,
    customer: contact.customer_ref,
    seconds: Math.min(Math.round((deadline - serverNow()) / 1000), Math.round(page.offer_timeout_s)),
  }));
  node.querySelector('[data-action="accept"]').focus();
}

function removeOffer(contactId) {
  const offer = offers.get(contactId);
  if (!offer) return;
  offer.node.remove();
  offers.delete(contactId);
}

function tickOffers() {
  for (const offer of offers.values()) {
    const left = Math.max(0, offer.deadline - serverNow());
    const seconds = Math.min(Math.ceil(left / 1000), Math.round(page.offer_timeout_s));
    field(offer.node, "countdown").textContent = t("agent.offer.countdown", { seconds });
    field(offer.node, "meter").style.width = `${(100 * left) / offer.total}%`;
  }
}

async function answerOffer(contactId, answer) {
  const offer = offers.get(contactId);
  if (offer) for (const b of offer.node.querySelectorAll("button")) b.disabled = true;
  if (answer === "accept") accepting.add(contactId);
  try {
    const contact = await api("POST", `/api/contacts/${contactId}/${answer}`);
    removeOffer(contactId);
    if (answer === "accept") await addContact(contact);
  } catch (error) {
    accepting.delete(contactId);
    if (offer) for (const b of offer.node.querySelectorAll("button")) b.disabled = false;
    fail(error);
  }
}

// -- contacts in hand ------------------------------------------------------------------

function renderMessage(entry, message, logName) {
  if (message.id !== undefined && entry.seen.has(message.id)) return;
  if (message.id !== undefined) entry.seen.add(message.id);
  const mine = message.sender === "agent";
  const log = field(entry.node, logName);
  log.append(el("li", { class: mine ? "mine" : null },
    el("span", { class: "from", text: `${t(`sender.${message.sender}`)} · ${clockTime(message.created_at || new Date(serverNow()).toISOString())}` }),
    el("span", { class: "body", text: message.body })));
  log.scrollTop = log.scrollHeight;
}

function setContactMode(entry) {
  const { node, contact } = entry;
  const wrapping = contact.state === "wrap_up";
  node.dataset.state = contact.state;
  node.querySelector('[data-part="actions"]').hidden = wrapping;
  if (wrapping) node.querySelector('[data-form="transfer"]').hidden = true;
  node.querySelector('[data-form="wrapup"]').hidden = !wrapping;
  node.querySelector('[data-form="chat"]').hidden = wrapping || contact.channel !== "chat";
  node.querySelector('[data-part="chat"]').hidden = contact.channel !== "chat";
  node.querySelector('[data-part="call"]').hidden = contact.channel !== "voice" || !softphone || wrapping;
  field(node, "meta").textContent = `${queues[contact.queue_id] || contact.queue_id} · ${t(`channel.${contact.channel}`)} · ${t(`contact_state.${contact.state}`)}`;
  if (wrapping) input(node, "disposition").focus();
}

async function addContact(contact, snapshot) {
  if (contacts.has(contact.id)) {
    const entry = contacts.get(contact.id);
    entry.contact = contact;
    setContactMode(entry);
    return entry;
  }
  const node = fromTemplate("contact-template");
  node.dataset.contact = String(contact.id);
  linkLabels(node, `c${contact.id}`);
  field(node, "title").textContent = t("agent.contact.title", { customer: contact.customer_ref });
  field(node, "title").id = `contact-title-${contact.id}`;
  node.setAttribute("aria-labelledby", `contact-title-${contact.id}`);
  const entry = { node, contact, chatId: null, helpId: null, seen: new Set() };
  contacts.set(contact.id, entry);
  contactsBox.append(node);
  contactsEmpty.hidden = true;
  setContactMode(entry);
  wireContact(entry);
  // conversations and history (from the page snapshot, or fetched after an accept)
  const conversations = snapshot ? snapshot.conversations : await api("GET", `/api/conversations?contact_id=${contact.id}`);
  for (const conv of conversations) {
    if (conv.kind === "customer") entry.chatId = conv.id;
    if (conv.kind === "help" && conv.state === "open") entry.helpId = conv.id;
    const messages = conv.messages || await api("GET", `/api/conversations/${conv.id}/messages`);
    for (const message of messages) {
      if (conv.kind === "customer") renderMessage(entry, message, "chat-log");
      else if (conv.state === "open") renderMessage(entry, message, "help-log");
    }
  }
  if (entry.helpId !== null) node.querySelector('[data-part="help"]').hidden = false;
  if (!snapshot && contact.channel === "chat") input(node, "chat-input").focus();
  return entry;
}

/** Calls the platform dropped (the advisor taken offline): the caller hears why before the
 * platform ends the call, so the desk does not hang up at once; it only stops sending. */
const droppedCalls = new Set();
const DROPPED_HANG_UP_MS = 30_000; // the platform ends it well before

function removeContact(contactId, notice) {
  accepting.delete(contactId);
  if (softphone && !droppedCalls.has(contactId)) softphone.hangUp(contactId);
  const entry = contacts.get(contactId);
  if (!entry) return;
  entry.node.remove();
  contacts.delete(contactId);
  contactsEmpty.hidden = contacts.size > 0;
  if (notice) announce(notice);
}

function errorOf(entry) {
  return (error) => showError(field(entry.node, "error"), error.message || String(error));
}

/** Submit a form with its textarea; keep the text if sending fails (retry after a drop). */
function chatForm(form, textarea, send) {
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const body = textarea.value.trim();
    if (!body) return;
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await send(body);
      textarea.value = "";
    } catch {
      // the error is on screen; the text stays in the box for a retry
    } finally {
      button.disabled = false;
      textarea.focus();
    }
  });
  textarea.addEventListener("keydown", (key) => {
    if (key.key === "Enter" && !key.shiftKey) {
      key.preventDefault();
      form.requestSubmit();
    }
  });
}

function wireContact(entry) {
  const { node } = entry;
  const id = entry.contact.id;
  const onError = errorOf(entry);
  chatForm(node.querySelector('[data-form="chat"]'), input(node, "chat-input"), async (body) => {
    if (entry.chatId === null) throw new Error(t("agent.chat.none"));
    try {
      const message = await api("POST", `/api/conversations/${entry.chatId}/messages`, { body });
      renderMessage(entry, message, "chat-log");
    } catch (error) {
      onError(error);
      throw error;
    }
  });
  chatForm(node.querySelector('[data-form="help"]'), input(node, "help-input"), async (body) => {
    try {
      if (entry.helpId === null) {
        const conv = await api("POST", `/api/contacts/${id}/help`, { body });
        entry.helpId = conv.id;
        const messages = await api("GET", `/api/conversations/${conv.id}/messages`);
        for (const message of messages) renderMessage(entry, message, "help-log");
      } else {
        const message = await api("POST", `/api/conversations/${entry.helpId}/messages`, { body });
        renderMessage(entry, message, "help-log");
      }
    } catch (error) {
      onError(error);
      throw error;
    }
  });
  node.querySelector('[data-action="ask-manager"]').addEventListener("click", () => {
    node.querySelector('[data-part="help"]').hidden = false;
    input(node, "help-input").focus();
  });
  node.querySelector('[data-action="end"]').addEventListener("click", async () => {
    if (softphone) softphone.hangUp(id);
    try {
      entry.contact = await api("POST", `/api/contacts/${id}/complete`);
      setContactMode(entry);
    } catch (error) {
      onError(error);
    }
  });
  const muteButton = node.querySelector('[data-action="mute"]');
  const holdButton = node.querySelector('[data-action="hold"]');
  const pressed = (button) => button.getAttribute("aria-pressed") === "true";
  // the caller hears the advisor unless muted or on hold (then music, played by the relay)
  const applyMicrophone = () => softphone && softphone.setMuted(id, pressed(muteButton) || pressed(holdButton));
  muteButton.addEventListener("click", () => {
    const muted = !pressed(muteButton);
    muteButton.setAttribute("aria-pressed", String(muted));
    muteButton.textContent = t(muted ? "call.unmute" : "call.mute");
    applyMicrophone();
  });
  holdButton.addEventListener("click", async () => {
    const on = !pressed(holdButton);
    holdButton.disabled = true;
    try {
      await api("POST", `/api/voice/contacts/${id}/hold`, { on });
      holdButton.setAttribute("aria-pressed", String(on));
      holdButton.textContent = t(on ? "call.resume" : "call.hold");
      applyMicrophone();
      announce(t(on ? "call.on_hold" : "call.connected"));
    } catch (error) {
      onError(error);
    } finally {
      holdButton.disabled = false;
    }
  });
  const transferButton = node.querySelector('[data-action="show-transfer"]');
  const transferForm = node.querySelector('[data-form="transfer"]');
  transferButton.addEventListener("click", () => {
    transferForm.hidden = !transferForm.hidden;
    transferButton.setAttribute("aria-expanded", String(!transferForm.hidden));
    if (!transferForm.hidden) input(node, "transfer-queue").focus();
  });
  transferForm.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const toQueue = input(node, "transfer-queue").value;
    const toAgent = input(node, "transfer-agent").value.trim();
    if (Boolean(toQueue) === Boolean(toAgent)) {
      onError(new Error(t("agent.transfer.one")));
      return;
    }
    try {
      await api("POST", `/api/contacts/${id}/transfer`, toQueue ? { to_queue: toQueue } : { to_agent: toAgent });
      removeContact(id, t("agent.transferred"));
    } catch (error) {
      onError(error);
    }
  });
  node.querySelector('[data-form="wrapup"]').addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const disposition = input(node, "disposition").value;
    if (!disposition) {
      onError(new Error(t("agent.wrapup.missing")));
      return;
    }
    try {
      await api("POST", `/api/contacts/${id}/wrap-up`, { disposition, next_state: "available" });
      removeContact(id, t("agent.wrapped_up"));
    } catch (error) {
      onError(error);
    }
  });
}

// -- events -----------------------------------------------------------------------------

async function refreshContact(contactId) {
  try {
    const contact = await api("GET", `/api/contacts/${contactId}`);
    const entry = contacts.get(contactId);
    if (["active", "wrap_up"].includes(contact.state) && contact.agent_id === me.id) {
      removeOffer(contactId);
      await addContact(contact);
    } else if (entry) {
      removeContact(contactId);
    }
  } catch (error) {
    if (error.status === 404) removeContact(contactId);
    else fail(error);
  }
}

async function onEvent(event) {
  const id = event.contact_id;
  const data = event.data || {};
  if (MONITORING.includes(event.type) && event.agent_id === me.id) showMonitoring().catch(fail);
  if (AUDITED.includes(event.type) && event.agent_id === me.id) showAudit().catch(fail);
  switch (event.type) {
    case "evaluation.created":
    case "contact.satisfaction":
      if (event.agent_id === me.id) showOwnEvaluations(evaluationsCard).catch(fail);
      break;
    case "agent.state":
      if (event.agent_id !== me.id) break;
      state = { name: data.state, since: Date.parse(event.at) };
      renderState();
      tickStateClock();
      break;
    case "contact.offered":
      if (event.agent_id === me.id) await addOffer(id, data.deadline);
      break;
    case "contact.rejected":
    case "contact.offer_timeout":
      removeOffer(id);
      if (event.type === "contact.offer_timeout") announce(t("agent.offer.timed_out"));
      break;
    case "contact.requeued":
      removeOffer(id);
      removeContact(id, t("agent.requeued"));
      break;
    case "contact.accepted":
    case "contact.ended":
    case "contact.transferred":
      if (event.type === "contact.transferred" && data.from_agent === me.id) removeContact(id);
      else await refreshContact(id);
      break;
    case "contact.completed":
      removeOffer(id);
      removeContact(id);
      if (event.agent_id === me.id && page.voice) showCallbacks().catch(fail);
      break;
    case "contact.called_back":
      if (page.voice) showCallbacks().catch(fail);
      break;
    case "contact.abandoned":
      removeOffer(id);
      removeContact(id, t("agent.abandoned"));
      break;
    case "contact.taken_over":
      removeContact(id, t("agent.taken_over"));
      break;
    case "call.recording": {
      const entry = contacts.get(id);
      if (entry && event.agent_id === me.id) {
        field(entry.node, "call-recorded").hidden = false;
        announce(t("call.recorded"));
      }
      break;
    }
    case "call.listen.started":
    case "call.listen.ended":
      showListened(id, data.session, event.type === "call.listen.started" ? data.manager : null);
      break;
    case "call.whisper.started":
      if (event.agent_id === me.id) await hearManager(id, data.session, data.manager);
      break;
    case "call.whisper.ended":
      stopHearingManager(data.session);
      break;
    case "call.barge.started":
    case "call.barge.ended":
      if (event.agent_id === me.id) await managerJoins(id, data.session, event.type === "call.barge.started");
      break;
    case "call.dropped":
      if (event.agent_id !== me.id) break;
      announce(t("call.dropped"));
      droppedCalls.add(id);
      if (softphone) {
        softphone.setMuted(id, true);
        setTimeout(() => { softphone.hangUp(id); droppedCalls.delete(id); }, DROPPED_HANG_UP_MS);
      }
      break;
    case "message.created": {
      const entry = contacts.get(id);
      if (!entry) break;
      const message = { id: data.message_id, sender: data.sender, body: data.body, created_at: event.at };
      if (data.kind === "customer") {
        entry.chatId = entry.chatId ?? data.conversation_id;
        renderMessage(entry, message, "chat-log");
        if (data.sender !== "agent") announce(t("agent.chat.new", { customer: entry.contact.customer_ref }));
      } else if (data.kind === "help") {
        entry.helpId = data.conversation_id;
        entry.node.querySelector('[data-part="help"]').hidden = false;
        renderMessage(entry, message, "help-log");
        if (data.sender !== "agent") announce(t("agent.help.new"));
      }
      break;
    }
    case "help.opened": {
      const entry = contacts.get(id);
      if (entry) {
        entry.helpId = data.conversation_id;
        entry.node.querySelector('[data-part="help"]').hidden = false;
      }
      break;
    }
    case "help.joined":
      announce(t("agent.help.joined"));
      break;
    case "readiness.result":
      // the advisor's readiness after the check: a check only reported by a browser never
      // raises it, nor answers a check that is due
      me.readiness = data.readiness || data.verdict;
      if (data.source !== "reported") me.readiness_due = "";
      renderReadiness(me.readiness, me.readiness_due);
      break;
    case "intraday.offer":
    case "intraday.offer.closed":
    case "intraday.offer.taken":
    case "schedule.changed":
      // an offer sent to me, closed, or taken by me; my schedule changed
      if (event.agent_id !== me.id) break;
      extraTime.load().catch(fail);
      refreshDesk();
      break;
    case "schedule.request":
      // a request of mine, or one asking for my agreement, changed state
      if (event.agent_id === me.id) myRequests.load().catch(fail);
      break;
    case "readiness.due":
      if (event.agent_id !== me.id) break;
      me.readiness_due = data.reason;
      renderReadiness(me.readiness, data.reason);
      announce(t(`agent.readiness_due.${data.reason}`));
      break;
    default:
      break;
  }
}

// -- start --------------------------------------------------------------------------------

renderState();
tickStateClock();
renderSchedule();
renderComing();
renderReadiness(me.readiness, me.readiness_due);
planBoundaryRefresh();
const extraTime = extraTimeCard({ queues, onScheduleChanged: refreshDesk });
extraTime.load().catch(fail);
const myRequests = requestsCard({ me, onScheduleChanged: refreshDesk });
myRequests.load().catch(fail);
for (const item of page.contacts || []) {
  if (item.contact.state === "offered") addOffer(item.contact.id, item.contact.offer_deadline);
  else addContact(item.contact, item).catch(fail);
}
setInterval(() => {
  tickStateClock();
  tickOffers();
  document.getElementById("clock").textContent = clockTime(new Date(serverNow()).toISOString(), true);
}, 1000);
const evaluationsCard = document.getElementById("evaluations-card");
showOwnEvaluations(evaluationsCard).catch(fail);

// what the platform recorded of the monitoring of my work (the telework agreement)
const MONITORING = ["call.listen.ended", "call.whisper.ended", "call.barge.ended", "call.recording", "recording.played", "evaluation.created"];

async function showMonitoring() {
  const log = await api("GET", `/api/agents/${encodeURIComponent(me.id)}/monitoring`);
  document.getElementById("monitoring-log").replaceChildren(...log.map((e) => {
    const data = e.data || {};
    const values = {
      manager: data.manager || "—",
      contact: e.contact_id,
      duration: data.duration_s === undefined ? "—" : duration(data.duration_s),
      score: data.score_pct === null || data.score_pct === undefined ? "—" : `${Math.round(data.score_pct)} %`,
    };
    return el("li", { dataset: { type: e.type } }, `${clockTime(e.at)} · ${t(`monitoring.${e.type}`, values)}`);
  }));
  document.getElementById("monitoring-empty").hidden = log.length > 0;
}
showMonitoring().catch(fail);

// the audit trail's entries about me: who did what about my work and my account, when, and
// from where for my own sign-ins (refreshed by the events of what it records)
const AUDITED = ["call.listen.started", "call.whisper.started", "call.barge.started", ...MONITORING,
  "contact.taken_over", "readiness.result", "schedule.changed"];

async function showAudit() {
  const log = await api("GET", `/api/agents/${encodeURIComponent(me.id)}/audit`);
  document.getElementById("audit-log").replaceChildren(...log.map((e) => {
    const d = e.detail || {};
    const values = {
      actor: e.actor_user_id === null ? t("audit.system") : e.actor, // no account: command line
      contact: d.contact_id ?? "—",
      duration: d.duration_s === undefined ? "—" : duration(d.duration_s),
      verdict: d.verdict ? t(`verdict.${d.verdict}`) : "—",
      segments: d.segments ?? "—",
      period: d.start && d.end ? `${dateTime(d.start)}–${clockTime(d.end)}` : d.day ? dayLabel(d.day) : "—",
    };
    let text = `${dateTime(e.at)} · ${t(`audit.${e.action}`, values)}`;
    if (e.address) text += ` · ${t("audit.origin", { address: e.address })}`;
    return el("li", { dataset: { action: e.action } }, text);
  }));
  document.getElementById("audit-empty").hidden = log.length > 0;
}
showAudit().catch(fail);

streamEvents(onEvent, fail);

// -- the softphone (voice on) ---------------------------------------------------------------

const softphoneBadge = document.getElementById("softphone");

function showCall(contactId, callState) {
  const entry = contacts.get(contactId);
  if (callState === "ended") accepting.delete(contactId);
  if (!entry) return;
  const line = field(entry.node, "call-state");
  line.dataset.state = callState;
  line.textContent = t(`call.${callState}`);
  if (callState === "connected") announce(t("call.connected"));
}

// the telework agreement: an advisor is told whenever their manager listens to a call
const listenedBy = new Map(); // contact id -> Map(session -> manager)

function showListened(contactId, session, manager) {
  const sessions = listenedBy.get(contactId) || new Map();
  if (manager) sessions.set(session, manager);
  else sessions.delete(session);
  listenedBy.set(contactId, sessions);
  const entry = contacts.get(contactId);
  if (!entry) return;
  const line = field(entry.node, "call-listened");
  const managers = [...new Set(sessions.values())];
  line.hidden = managers.length === 0;
  line.textContent = managers.map((name) => t("call.listened", { manager: name })).join(" · ");
  if (manager) announce(line.textContent);
}

// the manager talking to the advisor during a call (the caller does not hear): the relay
// offers the manager's voice, the desk answers receive-only and plays it
let managerVoice = null; // { contactId, session, pc }

async function hearManager(contactId, session, manager) {
  stopHearingManager();
  try {
    const offer = await api("GET", `/api/voice/contacts/${contactId}/whisper/${session}`);
    const pc = new RTCPeerConnection({ iceServers: offer.ice_servers.map((url) => ({ urls: url })) });
    managerVoice = { contactId, session, pc, manager, stream: null };
    const player = document.getElementById("whisper-audio");
    pc.ontrack = (event) => {
      managerVoice.stream = new MediaStream([event.track]);
      player.srcObject = managerVoice.stream;
      player.play().catch(() => {});
    };
    await pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await iceGathered(pc);
    await api("PUT", `/api/voice/contacts/${contactId}/whisper/${session}`, { sdp: pc.localDescription.sdp });
  } catch (error) {
    stopHearingManager();
    if (error.status !== 404) fail(error); // the manager already stopped
    return;
  }
  const entry = contacts.get(contactId);
  if (!entry) return;
  const line = field(entry.node, "call-whisper");
  line.textContent = t("call.whisper", { manager });
  line.hidden = false;
  announce(line.textContent);
}

/** The manager joins the call (the caller hears them, mixed in by this desk) or leaves it. */
async function managerJoins(contactId, session, on) {
  if (!managerVoice || managerVoice.session !== session || !softphone) return;
  await softphone.mixIn(contactId, on ? managerVoice.stream : null);
  const entry = contacts.get(contactId);
  if (!entry) return;
  const line = field(entry.node, "call-whisper");
  line.textContent = t(on ? "call.barge" : "call.whisper", { manager: managerVoice.manager });
  announce(line.textContent);
}

function stopHearingManager(session) {
  if (!managerVoice || (session && managerVoice.session !== session)) return;
  const { contactId, pc } = managerVoice;
  if (softphone) softphone.mixIn(contactId, null);
  managerVoice = null;
  pc.close();
  document.getElementById("whisper-audio").srcObject = null;
  const entry = contacts.get(contactId);
  if (entry) field(entry.node, "call-whisper").hidden = true;
}

// customers to call back (a dropped call, or the advisor's "callback" disposition): the
// softphone calls them through the platform, which names the number
const callbacksCard = document.getElementById("callbacks-card");

async function showCallbacks() {
  if (!callbacksCard) return;
  const due = await api("GET", "/api/voice/callbacks?limit=20");
  callbacksCard.querySelector("[data-part=list]").replaceChildren(...due.map((c) => {
    const button = el("button", { type: "button", class: "secondary", dataset: { action: "call-back", contact: String(c.contact_id) }, text: t("callback.call") });
    button.addEventListener("click", () => callBack(c.contact_id, button));
    return el("li", { dataset: { contact: String(c.contact_id) } },
      el("span", { text: `${c.customer_ref} · ${queues[c.queue_id] || c.queue_id} · ${c.closed_at ? clockTime(c.closed_at) : "—"} ` }),
      button);
  }));
  callbacksCard.querySelector("[data-part=empty]").hidden = due.length > 0;
}

async function callBack(contactId, button) {
  if (!softphone) {
    fail(new Error(t("callback.no_softphone")));
    return;
  }
  button.disabled = true;
  try {
    const started = await api("POST", `/api/voice/contacts/${contactId}/callback`);
    accepting.add(started.contact.id);
    await addContact(started.contact);
    softphone.dial(started.contact.id, started.target);
    announce(t("callback.calling", { customer: started.contact.customer_ref }));
  } catch (error) {
    fail(error);
  } finally {
    button.disabled = false;
  }
}

if (page.voice) {
  showCallbacks().catch(fail);
  softphoneBadge.hidden = false;
  startSoftphone({
    expects: (contactId) => accepting.has(contactId) || contacts.get(contactId)?.contact.state === "active",
    onState: (name, error) => {
      softphoneBadge.dataset.state = name === "registered" ? "open" : name === "failed" ? "closed" : "connecting";
      softphoneBadge.textContent = t(`softphone.${name}`);
      if (error) fail(error);
    },
    onCall: showCall,
    onQuality: (contactId, sample) => {
      // a sample arriving just after the call ended is refused (404/409): nothing to report
      api("POST", `/api/voice/contacts/${contactId}/quality`, sample).catch((error) => {
        if (![404, 409].includes(error.status)) fail(error);
      });
    },
    audio: document.getElementById("call-audio"),
  }).then((phone) => {
    softphone = phone;
    for (const entry of contacts.values()) setContactMode(entry);
  });
}
