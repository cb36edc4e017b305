// The supervisor console's "The day": per queue, the calls so far against the forecast; the
// staffing gap of the intervals ahead; the offers the gap calls for and the offers of the
// day with each advisor's reply. A manager re-forecasts now or posts an offer by hand. The
// figures are the server's (/api/intraday); the events only say when to fetch them again.

import {
  api, clockTime, el, localDay, number, page, serverNow, showError, t, zonedInstant,
} from "./util.js";

const queues = page.queues;
/** who the platform names as the author of the offers it posts by itself */
const PLATFORM_AUTHOR = "intraday";
const errorBox = document.getElementById("day-error");
let agentName = (id) => id;

function fail(error) {
  showError(errorBox, error.message || String(error));
}

function queueName(id) {
  return queues[id]?.name || id;
}

function period(start, end) {
  return `${clockTime(start)}–${clockTime(end)}`;
}

/** A result of the manager's action, shown and said (the line is a status region). */
function say(message) {
  document.getElementById("day-status").textContent = message;
}

// -- the re-forecast and the gap ------------------------------------------------------------

function levelItem(q) {
  const trend = q.level_low > 1 ? "above" : q.level_high < 1 ? "below" : "within";
  const figures = t("day.level", {
    queue: queueName(q.queue_id),
    observed: number(q.observed),
    expected: number(q.expected),
    level: number(q.level, 1),
    low: number(q.level_low, 1),
    high: number(q.level_high, 1),
  });
  const ahead = q.max_gap > 0 ? t("day.short_ahead", { gap: number(q.max_gap, 1) }) : t("day.none_short");
  return el("li", { dataset: { queue: q.queue_id, trend } },
    el("span", { class: "badge", dataset: { trend }, text: t(`day.trend.${trend}`) }), " ",
    el("strong", { text: figures }), el("span", { class: "muted", text: ` · ${ahead}` }));
}

/** Understaffed (short), overstaffed (spare) or even, at the precision shown. */
function gapState(gap) {
  const shown = Math.round(gap * 10) / 10;
  return shown > 0 ? "short" : shown < 0 ? "spare" : "even";
}

function gapWords(gap, state) {
  if (state === "short") return t("day.gap.short", { gap: number(gap, 1) });
  if (state === "spare") return t("day.gap.spare", { gap: number(-gap, 1) });
  return t("day.gap.even");
}

function gapRow(row, now) {
  const start = Date.parse(row.start);
  const current = start <= now && now < start + row.interval_min * 60_000;
  const state = gapState(row.gap);
  const scheduled = current
    ? t("day.logged_in", { scheduled: number(row.scheduled, 1), logged_in: number(row.logged_in) })
    : number(row.scheduled, 1);
  return el("tr", { dataset: { queue: row.queue, start: row.start, gap: state }, "aria-current": current ? "time" : null },
    el("th", { scope: "row", text: current ? t("day.current", { time: clockTime(row.start) }) : clockTime(row.start) }),
    el("td", { text: queueName(row.queue) }),
    el("td", { class: "num", text: number(row.volume, 1) }),
    el("td", { class: "num", text: number(row.required, 1) }),
    el("td", { class: "num", text: scheduled }),
    el("td", {}, el("span", { class: "gap", dataset: { gap: state }, text: gapWords(row.gap, state) })));
}

function proposalItem(proposal) {
  const button = el("button", { type: "button", class: "secondary", text: t("day.proposal.post") });
  button.addEventListener("click", () => postOffer({
    kind: proposal.kind,
    queue_id: proposal.queue_id,
    start: proposal.start,
    end: proposal.end,
    places: proposal.places,
  }, button));
  const names = proposal.candidates.map((c) => `${agentName(c.agent_id)} (${t(`location.${c.location}`)})`);
  return el("li", { dataset: { kind: proposal.kind, queue: proposal.queue_id } },
    el("span", {
      text: t("day.proposal", {
        kind: t(`intraday.kind.${proposal.kind}`),
        queue: queueName(proposal.queue_id),
        period: period(proposal.start, proposal.end),
        places: number(proposal.places),
        names: names.join(", "),
      }),
    }), " ", button);
}

let view = null;

function renderView() {
  document.getElementById("day-no-forecast").hidden = !view || view.forecast;
  document.getElementById("day-view").hidden = !view || !view.forecast;
  document.getElementById("day-at").textContent = view?.at ? t("day.at", { time: clockTime(view.at) }) : "";
  if (!view || !view.forecast) return;
  document.getElementById("day-levels").replaceChildren(...view.queues.map(levelItem));
  const now = serverNow();
  const ahead = view.gap.filter((row) => Date.parse(row.start) + row.interval_min * 60_000 > now);
  document.querySelector("#day-gap tbody").replaceChildren(...ahead.map((row) => gapRow(row, now)));
  document.getElementById("day-gap-empty").hidden = ahead.length > 0;
  const proposals = view.proposals.filter((p) => Date.parse(p.start) > now);
  document.getElementById("day-proposals-part").hidden = proposals.length === 0;
  document.getElementById("day-proposals").replaceChildren(...proposals.map(proposalItem));
}

async function loadView() {
  view = await api("GET", "/api/intraday");
  renderView();
}

// -- offers ---------------------------------------------------------------------------------

function recipientItem(r) {
  const reply = t(`offer_reply.${r.reply || "waiting"}`);
  const said = r.replied_at ? t("day.replied_at", { reply, time: clockTime(r.replied_at) }) : reply;
  return el("li", { dataset: { agent: r.agent_id, reply: r.reply || "waiting" } },
    t("day.recipient", { agent: agentName(r.agent_id), location: t(`location.${r.location}`), reply: said }));
}

function offerItem(offer) {
  const open = offer.state === "open";
  const facts = [t("day.offer.places", {
    taken: number(offer.taken), places: number(offer.places), left: number(offer.places - offer.taken),
  })];
  facts.push(open ? t("day.offer.deadline", { time: clockTime(offer.deadline) }) : t(`day.offer.closed.${offer.state}`));
  facts.push(offer.created_by === PLATFORM_AUTHOR ? t("day.offer.by_platform") : t("day.offer.by", { who: offer.created_by }));
  const recipients = offer.recipients.length
    ? el("ul", { class: "recipients" }, ...offer.recipients.map(recipientItem))
    : el("p", { class: "muted", text: t("day.offer.nobody") });
  return el("li", { dataset: { offer: offer.offer_id, kind: offer.kind, state: offer.state } },
    el("strong", { text: `${t(`intraday.kind.${offer.kind}`)} · ${queueName(offer.queue_id)} · ${period(offer.start, offer.end)}` }),
    el("p", { class: "offer-facts", text: facts.join(" · ") }),
    recipients);
}

/** The day's offers, the open ones first, each group by start. */
async function loadOffers() {
  const offers = await api("GET", "/api/intraday/offers?all=true");
  const rank = (o) => (o.state === "open" ? 0 : 1);
  offers.sort((a, b) => rank(a) - rank(b) || Date.parse(a.start) - Date.parse(b.start) || a.offer_id - b.offer_id);
  document.getElementById("day-offers").replaceChildren(...offers.map(offerItem));
  document.getElementById("day-offers-empty").hidden = offers.length > 0;
}

async function postOffer(body, button) {
  button.disabled = true;
  try {
    await api("POST", "/api/intraday/offers", body);
    say(t("day.posted"));
    await loadOffers();
  } catch (error) {
    fail(error);
  } finally {
    button.disabled = false;
  }
}

// -- start and events -----------------------------------------------------------------------

const timers = new Map();
function soon(load) {
  clearTimeout(timers.get(load));
  timers.set(load, setTimeout(() => load().catch(fail), 300));
}

function wireForm() {
  const form = document.getElementById("day-post");
  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    const from = document.getElementById("day-from").value;
    const to = document.getElementById("day-to").value;
    if (to <= from) {
      fail(new Error(t("day.form.order")));
      document.getElementById("day-to").focus();
      return;
    }
    const day = localDay(serverNow());
    postOffer({
      kind: document.getElementById("day-kind").value,
      queue_id: document.getElementById("day-queue").value,
      start: zonedInstant(day, from),
      end: zonedInstant(day, to),
      places: Number(document.getElementById("day-places").value),
    }, form.querySelector('button[type="submit"]'));
  });
  const refresh = document.getElementById("day-refresh");
  refresh.addEventListener("click", async () => {
    refresh.disabled = true;
    try {
      view = await api("POST", "/api/intraday/refresh");
      renderView();
      say(t("day.refreshed"));
    } catch (error) {
      fail(error);
    } finally {
      refresh.disabled = false;
    }
  });
}

/** Start the panel; returns the handler of the intraday events. */
export function startDay(nameOf) {
  agentName = nameOf;
  wireForm();
  loadView().catch(fail);
  loadOffers().catch(fail);
  setInterval(renderView, 60_000); // the interval under way moves on
  return (event) => {
    if (event.type === "intraday.updated") soon(loadView);
    if (event.type.startsWith("intraday.offer")) soon(loadOffers);
  };
}
