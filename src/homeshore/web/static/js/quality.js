// Quality evaluations: the manager scores a completed contact of its teams on the
// scenario's form and follows the scores per advisor (supervisor console); the advisor
// reads its own evaluations (desk). The scores themselves are the server's.

import { announce, api, clockTime, el, number, percent, t } from "./util.js";

const RATINGS = ["met", "partly", "not_met", "na"];
let forms = null;

async function loadForms() {
  forms = forms || (await api("GET", "/api/quality/forms"));
  return forms;
}

function scoreText(evaluation) {
  if (evaluation.score_pct === null) return t("quality.no_score");
  const verdict = evaluation.passed ? t("quality.passed") : t("quality.failed");
  return `${number(evaluation.score_pct, 0)} % · ${verdict}`;
}

function questionText(form, id) {
  for (const section of form?.sections || []) {
    for (const q of section.questions) if (q.id === id) return q.text;
  }
  return id;
}

/** One evaluation as a list item: score, form, date, comment and each question's rating. */
function evaluationItem(evaluation) {
  const form = forms.find((f) => f.id === evaluation.form_id);
  const failed = evaluation.critical_failed.map((id) => questionText(form, id));
  return el("li", { class: "evaluation", dataset: { evaluation: String(evaluation.id), passed: String(evaluation.passed) } },
    el("p", {},
      el("strong", { dataset: { field: "score" }, text: scoreText(evaluation) }),
      el("span", { class: "muted", text: ` · ${form?.name || evaluation.form_id} · #${evaluation.contact_id} · ${clockTime(evaluation.at)}` })),
    failed.length ? el("p", { class: "alert error", text: t("quality.critical", { items: failed.join(", ") }) }) : null,
    evaluation.comment ? el("p", { dataset: { field: "comment" }, text: evaluation.comment }) : null,
    el("details", {},
      el("summary", { text: t("quality.detail") }),
      el("ul", {}, ...Object.entries(evaluation.ratings).map(([id, rating]) =>
        el("li", { text: `${questionText(form, id)}: ${t(`rating.${rating}`)}` })))));
}

// -- the advisor's own evaluations (desk) -------------------------------------------------

/** Fill the desk's "my evaluations" card; refreshed when a new evaluation arrives. */
export async function showOwnEvaluations(root) {
  await loadForms();
  const [own, summary] = await Promise.all([
    api("GET", "/api/evaluations?limit=20"),
    api("GET", "/api/quality/summary?period=all"),
  ]);
  root.querySelector("[data-part=list]").replaceChildren(...own.map(evaluationItem));
  root.querySelector("[data-part=empty]").hidden = own.length > 0;
  const [mine] = summary;
  root.querySelector("[data-part=summary]").textContent = mine
    ? t("quality.own_summary", {
      n: mine.evaluations,
      mean: mine.score_mean_pct === null ? "—" : number(mine.score_mean_pct, 0),
      csat: mine.csat_mean === null ? "—" : number(mine.csat_mean, 1),
      answers: mine.csat_responses,
    })
    : "";
}

// -- the manager's side (supervisor console) ----------------------------------------------

function ratingInputs(question) {
  const allowed = question.critical ? RATINGS.filter((r) => r !== "partly") : RATINGS;
  return el("fieldset", { class: "question", dataset: { question: question.id } },
    el("legend", { text: question.critical ? `${question.text} (${t("quality.critical_item")})` : question.text }),
    ...allowed.map((rating) => el("label", { class: "choice" },
      el("input", { type: "radio", name: `q-${question.id}`, value: rating, required: "" }),
      ` ${t(`rating.${rating}`)}`)));
}

function formFor(contact) {
  return forms.find((f) => !f.channels.length || f.channels.includes(contact.channel));
}

/** The evaluation form of a contact, in the console's quality card. */
function openEvaluation(root, contact, done) {
  const form = formFor(contact);
  const area = root.querySelector("[data-part=evaluate]");
  if (!form) {
    area.replaceChildren(el("p", { class: "muted", text: t("quality.no_form", { channel: contact.channel }) }));
    area.hidden = false;
    return;
  }
  const comment = el("textarea", { name: "comment", rows: "3", maxlength: "4000" });
  const submit = el("button", { type: "submit", text: t("quality.submit") });
  const formNode = el("form", { class: "evaluation-form", dataset: { contact: String(contact.id), form: form.id } },
    el("h3", { text: t("quality.evaluating", { form: form.name, contact: contact.id }) }),
    ...form.sections.map((section) => el("fieldset", { class: "section" },
      el("legend", { text: section.name }), ...section.questions.map(ratingInputs))),
    el("label", { class: "field" }, t("quality.comment"), comment),
    el("div", { class: "button-row" }, submit));
  formNode.addEventListener("submit", async (e) => {
    e.preventDefault();
    const ratings = {};
    for (const q of form.sections.flatMap((s) => s.questions)) {
      ratings[q.id] = formNode.querySelector(`input[name="q-${q.id}"]:checked`)?.value;
    }
    submit.disabled = true;
    try {
      const evaluation = await api("POST", `/api/contacts/${contact.id}/evaluations`, {
        form_id: form.id, ratings, comment: comment.value,
      });
      area.replaceChildren(el("p", { role: "status", text: t("quality.saved", { contact: contact.id, score: scoreText(evaluation) }) }));
      announce(t("quality.saved", { contact: contact.id, score: scoreText(evaluation) }));
      done();
    } catch (error) {
      submit.disabled = false;
      area.prepend(el("p", { class: "alert error", role: "alert", text: error.message }));
    }
  });
  area.replaceChildren(formNode);
  area.hidden = false;
  formNode.querySelector("input")?.focus();
}

function summaryRow(row, agentName) {
  return el("tr", { dataset: { agent: row.group } },
    el("th", { scope: "row", text: agentName(row.group) }),
    el("td", { class: "num", text: String(row.evaluations) }),
    el("td", { class: "num", text: row.score_mean_pct === null ? "—" : `${number(row.score_mean_pct, 0)} %` }),
    el("td", { class: "num", text: row.pass_rate === null ? "—" : percent(row.pass_rate) }),
    el("td", { class: "num", text: String(row.critical_failures) }),
    el("td", { class: "num", text: row.csat_mean === null ? "—" : `${number(row.csat_mean, 1)} (${row.csat_responses})` }));
}

/** The console's quality card: contacts to evaluate and the scores of the last 4 weeks. */
export async function showTeamQuality(root, agentName) {
  await loadForms();
  const refresh = () => showTeamQuality(root, agentName);
  const [recent, evaluated, summary, recorded] = await Promise.all([
    api("GET", "/api/contacts?state=completed&limit=30"),
    api("GET", "/api/evaluations?limit=200"),
    api("GET", "/api/quality/summary?by=agent&period=all&weeks=4"),
    api("GET", "/api/voice/recordings?limit=200"),
  ]);
  const scored = new Map(evaluated.map((e) => [e.contact_id, e]));
  const recordings = new Set(recorded.map((r) => r.contact_id));
  const answered = recent.filter((c) => c.agent_id);
  root.querySelector("[data-part=contacts] tbody").replaceChildren(...answered.map((c) => {
    const evaluation = scored.get(c.id);
    const action = evaluation
      ? el("span", { text: scoreText(evaluation) })
      : el("button", { type: "button", class: "secondary", dataset: { action: "evaluate" }, text: t("quality.evaluate") });
    if (!evaluation) action.addEventListener("click", () => openEvaluation(root, c, refresh));
    return el("tr", { dataset: { contact: String(c.id) } },
      el("th", { scope: "row", text: `#${c.id}` }),
      el("td", { text: agentName(c.agent_id) }),
      el("td", { text: c.location ? t(`location.${c.location}`) : "—" }),
      el("td", { text: c.closed_at ? clockTime(c.closed_at) : "—" }),
      el("td", { class: "num", text: c.csat === null ? "—" : String(c.csat) }),
      el("td", {}, recordings.has(c.id)
        ? el("audio", { controls: true, preload: "none", src: `/api/voice/contacts/${c.id}/recording`, "aria-label": t("quality.recording", { contact: c.id }) })
        : "—"),
      el("td", {}, action));
  }));
  root.querySelector("[data-part=contacts-empty]").hidden = answered.length > 0;
  root.querySelector("[data-part=summary] tbody").replaceChildren(...summary.map((r) => summaryRow(r, agentName)));
}
