// Schedule requests in the pages. The desk's "My requests": ask to work a day at another
// place or to swap a day with a colleague, see the state of each, agree to or decline a
// colleague's swap, cancel one's own while pending. The console's "Schedule requests": the
// pending requests of the manager's teams, with Approve and Refuse. The rules decide what is
// allowed; a refusal of the platform is said in the reader's words.

import {
  announce, api, dayLabel, el, localDay, page, serverNow, showError, t,
} from "./util.js";

const PENDING = ["awaiting_colleague", "awaiting_planner"];
// the platform's refusal naming the rules (services/requests.py words it, in English)
const RULES = /^the rules do not allow this request: (.+)$/;

function ruleWords(rule) {
  return (page.texts || {})[`rule.${rule}`] === undefined ? rule : t(`rule.${rule}`);
}

function rulesWords(rules) {
  return [...new Set(rules)].map(ruleWords).join(", ");
}

/** A refusal of the platform in the reader's words (as the server said it if unknown). */
function refusalWords(message) {
  const rules = RULES.exec(message);
  return rules ? t("requests.refused_rules", { rules: rulesWords(rules[1].split(", ")) }) : message;
}

function stateWords(state) {
  switch (state) {
    case "awaiting_colleague": return t("requests.state.awaiting_colleague");
    case "awaiting_planner": return t("requests.state.awaiting_planner");
    case "approved": return t("requests.state.approved");
    case "refused": return t("requests.state.refused");
    case "cancelled": return t("requests.state.cancelled");
    default: return state;
  }
}

/** Why a decided request is as it is: who approved it, the rules, who declined, the day
 * begun, the manager's reason. */
function whyWords(request) {
  const detail = request.detail || {};
  const parts = [];
  if (detail.rules) parts.push(t("requests.refused_rules", { rules: rulesWords(detail.rules.map((r) => r.rule)) }));
  else if (detail.declined_by) parts.push(t("requests.declined", { who: request.colleague_name || detail.declined_by }));
  else if (detail.why) parts.push(t("requests.day_begun"));
  else if (request.state === "approved" && request.decided_by === "platform") parts.push(t("requests.by_platform"));
  else if (["approved", "refused"].includes(request.state)) parts.push(t("requests.decided_by", { who: request.decided_by }));
  if (detail.reason) parts.push(t("requests.reason", { reason: detail.reason }));
  return parts.join(" · ");
}

function item(request, title, ...actions) {
  const why = whyWords(request);
  return el("li", { dataset: { request: String(request.request_id), state: request.state, kind: request.kind } },
    el("strong", { text: title }),
    el("p", { "data-field": "state", text: why ? `${stateWords(request.state)} · ${why}` : stateWords(request.state) }),
    actions.length ? el("div", { class: "button-row" }, ...actions) : null);
}

/** Fetch the requests the reader sees into the card's list: pending first, by day. */
async function loadInto(card, title, actions) {
  const requests = await api("GET", "/api/schedule/requests");
  const rank = (r) => (PENDING.includes(r.state) ? 0 : 1);
  requests.sort((a, b) => rank(a) - rank(b) || a.day.localeCompare(b.day) || b.request_id - a.request_id);
  card.querySelector('[data-part="list"]').replaceChildren(...requests.map((r) => item(r, title(r), ...actions(r))));
  card.querySelector('[data-part="empty"]').hidden = requests.length > 0;
}

/** The desk's card; `onScheduleChanged` refreshes the schedule shown after an approval.
 * Returns `load`, to call on the request events. */
export function requestsCard({ me, onScheduleChanged }) {
  const card = document.getElementById("requests-card");
  const notice = card.querySelector('[data-part="notice"]');
  const status = card.querySelector('[data-part="status"]');

  function fail(error) {
    const why = error.status === 409 ? refusalWords(error.message) : error.message || String(error);
    showError(notice, why);
    announce(why);
  }

  function title(request) {
    const day = dayLabel(request.day);
    if (request.kind === "location") return t("requests.title.location", { day, location: t(`location.${request.location}`) });
    if (request.agent_id === me.id) return t("requests.title.swap", { day, colleague: request.colleague_name });
    return t("requests.title.swap_asked", { day, colleague: request.agent_name });
  }

  function button(text, secondary, run) {
    const node = el("button", { type: "button", class: secondary ? "secondary" : null, text });
    node.addEventListener("click", async () => {
      node.disabled = true;
      try {
        const request = await run();
        notice.hidden = true;
        status.textContent = `${title(request)}: ${stateWords(request.state)}`;
        announce(status.textContent);
        if (request.state === "approved") onScheduleChanged();
      } catch (error) {
        fail(error);
      }
      await load().catch(fail);
    });
    return node;
  }

  function actions(request) {
    const path = `/api/schedule/requests/${request.request_id}`;
    if (request.state === "awaiting_colleague" && request.colleague_id === me.id) {
      return [
        button(t("requests.agree"), false, () => api("POST", `${path}/agree`, { agree: true })),
        button(t("requests.decline"), true, () => api("POST", `${path}/agree`, { agree: false })),
      ];
    }
    if (PENDING.includes(request.state) && request.agent_id === me.id) {
      return [button(t("requests.cancel"), true, () => api("POST", `${path}/cancel`))];
    }
    return [];
  }

  const load = () => loadInto(card, title, actions);

  function wire(form, body) {
    if (!form) return;
    const tomorrow = localDay(serverNow() + 86_400_000);
    for (const day of form.querySelectorAll('input[type="date"]')) day.min = tomorrow;
    form.addEventListener("submit", async (submit) => {
      submit.preventDefault();
      const send = form.querySelector('button[type="submit"]');
      send.disabled = true;
      try {
        const request = await api("POST", "/api/schedule/requests", body());
        notice.hidden = true;
        status.textContent = `${title(request)}: ${stateWords(request.state)}`;
        announce(status.textContent);
        if (request.state === "approved") onScheduleChanged();
        form.reset();
      } catch (error) {
        fail(error);
      } finally {
        send.disabled = false;
      }
      await load().catch(fail);
    });
  }

  wire(card.querySelector('[data-form="location"]'), () => ({
    kind: "location",
    day: document.getElementById("request-location-day").value,
    location: document.getElementById("request-location").value,
  }));
  wire(card.querySelector('[data-form="swap"]'), () => ({
    kind: "swap",
    day: document.getElementById("request-swap-day").value,
    colleague_id: document.getElementById("request-colleague").value.trim(),
  }));
  return { load };
}

/** The console's panel of the requests waiting in the manager's teams; returns the handler
 * of the request events. */
export function startRequestsPanel() {
  const card = document.getElementById("requests-card");
  const errorBox = card.querySelector('[data-part="error"]');
  const status = card.querySelector('[data-part="status"]');

  function fail(error) {
    const why = error.status === 409 ? refusalWords(error.message) : error.message || String(error);
    showError(errorBox, why);
  }

  function title(request) {
    const day = dayLabel(request.day);
    const agent = request.agent_name;
    if (request.kind === "location") {
      return t("requests.console.location", { agent, day, location: t(`location.${request.location}`) });
    }
    return t("requests.console.swap", { agent, colleague: request.colleague_name, day });
  }

  function decide(request, approve, node) {
    node.disabled = true;
    api("POST", `/api/schedule/requests/${request.request_id}/decision`, { approve })
      .then((done) => { status.textContent = `${title(done)}: ${stateWords(done.state)}`; })
      .catch(fail)
      .finally(() => { node.disabled = false; load().catch(fail); });
  }

  function actions(request) {
    if (request.state !== "awaiting_planner") return [];
    const approve = el("button", { type: "button", text: t("requests.approve") });
    const refuse = el("button", { type: "button", class: "secondary", text: t("requests.refuse") });
    approve.addEventListener("click", () => decide(request, true, approve));
    refuse.addEventListener("click", () => decide(request, false, refuse));
    return [approve, refuse];
  }

  const load = () => loadInto(card, title, actions);

  let timer = null;
  load().catch(fail);
  return (event) => {
    if (event.type !== "schedule.request") return;
    clearTimeout(timer);
    timer = setTimeout(() => load().catch(fail), 300);
  };
}
