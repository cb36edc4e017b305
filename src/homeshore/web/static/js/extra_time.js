// The desk's "Extra time offered": the open offers of extra time (or of time off) sent to
// this advisor, with the day and hours, where, and until when to reply; Accept or Decline.
// Accepting changes the schedule at once (the desk then shows it); when the platform refuses
// a reply (too late, no place left, the rules), the desk says why in words.

import {
  announce, api, clockTime, dayLabel, field, fromTemplate, localDay, number, page, serverNow,
  showError, t,
} from "./util.js";

// the platform's refusals of a reply (routes/intraday.py words them, in English)
const CLOSED = /^offer \d+ is closed: (.+)$/;
const RULES = /^the rules no longer allow this time for you: (.+)$/;
// why an offer is closed (routes/intraday.py, CLOSED) -> the text that says it
const CLOSED_WHY = {
  "no place left, others accepted first": "extra.closed.filled",
  "its reply deadline has passed": "extra.closed.expired",
  "it was withdrawn": "extra.closed.withdrawn",
};

function ruleWords(rule) {
  return (page.texts || {})[`rule.${rule}`] === undefined ? rule : t(`rule.${rule}`);
}

/** A refusal of the platform in the reader's words (as the server said it if unknown). */
function refusalWords(message) {
  const closed = CLOSED.exec(message);
  if (closed) return t(CLOSED_WHY[closed[1]] || "extra.closed.other");
  const rules = RULES.exec(message);
  if (rules) return t("extra.rules", { rules: rules[1].split(", ").map(ruleWords).join(", ") });
  return message;
}

function when(offer) {
  return `${dayLabel(localDay(offer.start))} · ${clockTime(offer.start)}–${clockTime(offer.end)}`;
}

/**
 * The card; `queues` names the queues, `onScheduleChanged` refreshes the schedule shown on
 * the desk after an accepted offer. Returns `load`, to call on the offer events.
 */
export function extraTimeCard({ queues, onScheduleChanged }) {
  const card = document.getElementById("extra-card");
  const list = card.querySelector('[data-part="list"]');
  const notice = card.querySelector('[data-part="notice"]');
  const refused = new Map(); // offer id -> why the platform refused the reply, in words
  let offers = [];
  let seen = null; // ids already shown: a new one is announced

  function title(offer) {
    return t(`extra.title.${offer.kind}`, { queue: queues[offer.queue_id] || offer.queue_id });
  }

  function item(offer) {
    const node = fromTemplate("extra-template");
    const id = `extra-${offer.offer_id}`;
    node.dataset.offer = String(offer.offer_id);
    node.dataset.kind = offer.kind;
    node.dataset.reply = offer.reply || "";
    node.setAttribute("aria-labelledby", id);
    field(node, "title").id = id;
    field(node, "title").textContent = title(offer);
    field(node, "when").textContent = when(offer);
    field(node, "where").textContent = t(`location.${offer.location}`);
    const minutes = Math.max(0, Math.ceil((Date.parse(offer.deadline) - serverNow()) / 60_000));
    field(node, "deadline").textContent = t("extra.deadline", { time: clockTime(offer.deadline), minutes: number(minutes) });
    field(node, "places").textContent = t("extra.places", {
      left: number(offer.places - offer.taken), places: number(offer.places),
    });
    const reply = field(node, "reply");
    if (offer.reply) {
      reply.hidden = false;
      reply.textContent = [t(`extra.reply.${offer.reply}`), refused.get(offer.offer_id)].filter(Boolean).join(" ");
    }
    const actions = node.querySelector('[data-part="actions"]');
    actions.hidden = Boolean(offer.reply);
    for (const button of actions.querySelectorAll("button")) {
      button.setAttribute("aria-describedby", id);
      button.addEventListener("click", () => answer(offer, button.dataset.action === "accept", actions));
    }
    return node;
  }

  function render() {
    list.replaceChildren(...offers.map(item));
    card.querySelector('[data-part="empty"]').hidden = offers.length > 0;
  }

  async function load() {
    const fresh = await api("GET", "/api/intraday/offers");
    for (const offer of fresh) {
      if (seen !== null && !seen.has(offer.offer_id) && !offer.reply) {
        announce(t("extra.announce", { what: title(offer), when: when(offer), deadline: clockTime(offer.deadline) }));
      }
    }
    seen = new Set(fresh.map((o) => o.offer_id));
    offers = fresh;
    render();
  }

  async function answer(offer, accept, actions) {
    for (const button of actions.querySelectorAll("button")) button.disabled = true;
    try {
      await api("POST", `/api/intraday/offers/${offer.offer_id}/reply`, { accept });
      notice.hidden = true;
      announce(t(accept ? "extra.done" : "extra.declined"));
      if (accept) onScheduleChanged();
    } catch (error) {
      const why = error.status === 409 ? refusalWords(error.message) : error.message || String(error);
      if (error.status === 409) refused.set(offer.offer_id, why);
      showError(notice, why);
      announce(why);
    }
    await load().catch((error) => showError(notice, error.message || String(error)));
  }

  setInterval(render, 30_000); // the minutes left to reply
  return { load };
}
