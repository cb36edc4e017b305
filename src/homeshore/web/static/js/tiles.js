// Queue tiles of the supervisor console: the server's figures for one queue (waiting, oldest
// wait, service level, ASA, abandon rate) set against the queue's targets, in words as well
// as colour.

import { duration, el, field, fromTemplate, number, percent, t } from "./util.js";

const tiles = new Map();

/** Draw (or redraw) the tile of one queue from the server's figures. */
export function renderTile(kpis, queues) {
  const queue = queues[kpis.queue_id];
  if (!queue) return;
  let node = tiles.get(kpis.queue_id);
  if (!node) {
    node = fromTemplate("tile-template");
    node.dataset.queue = kpis.queue_id;
    field(node, "name").textContent = queue.name;
    tiles.set(kpis.queue_id, node);
    document.getElementById("queue-tiles").append(node);
  }
  const targets = queue.targets;
  const misses = [];
  const set = (name, text, target, miss) => {
    const cell = field(node, name);
    cell.replaceChildren(text);
    if (target) cell.append(" ", el("span", { class: "target", text: target }));
    cell.dataset.miss = String(Boolean(miss));
    if (miss) misses.push(t(`tile.${name}`));
  };
  set("waiting", number(kpis.waiting));
  const oldestLate = kpis.waiting > 0 && kpis.oldest_wait_s > kpis.threshold_s;
  set("oldest", kpis.waiting ? duration(kpis.oldest_wait_s) : "—", t("tile.target_wait", { seconds: number(kpis.threshold_s) }), oldestLate);
  const sl = kpis.service_level;
  set("sl", sl === null ? "—" : percent(sl), t("tile.target_min", { value: percent(targets.service_level) }), sl !== null && sl < targets.service_level);
  const asa = kpis.asa_s;
  set("asa", asa === null ? "—" : `${number(asa, 1)} s`,
    targets.max_asa_s ? t("tile.target_max", { value: `${number(targets.max_asa_s)} s` }) : "",
    asa !== null && targets.max_asa_s && asa > targets.max_asa_s);
  const abandon = kpis.abandon_rate;
  set("abandon", abandon === null ? "—" : percent(abandon, 1),
    targets.max_abandon_rate ? t("tile.target_max", { value: percent(targets.max_abandon_rate) }) : "",
    abandon !== null && targets.max_abandon_rate && abandon > targets.max_abandon_rate);
  // the late-waiting warning alone is a warning; a missed daily target is a problem
  const missedTargets = misses.filter((m) => m !== t("tile.oldest"));
  const status = missedTargets.length ? "bad" : oldestLate ? "warn" : "ok";
  node.dataset.status = status;
  field(node, "status").textContent = status === "ok" ? t("tile.on_target") : t("tile.off_target", { what: misses.join(", ") });
}
