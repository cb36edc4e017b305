// Shared helpers of the pages: page data, texts, DOM building, formatting, API calls.

const dataElement = document.getElementById("page-data");

/** The JSON the server rendered into the page (user, texts, snapshot, last event id). */
export const page = dataElement ? JSON.parse(dataElement.textContent) : {};

const texts = page.texts || {};

/** The interface text `key` with its {placeholders} filled from `values`. */
export function t(key, values = {}) {
  const text = texts[key];
  if (text === undefined) {
    console.error(`missing interface text ${key}`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** An element with attributes (`text` sets textContent, `dataset` sets data-*) and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** A copy of <template id=...>'s first element. */
export function fromTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

/** Give the labels and inputs of a cloned fragment unique ids (label[data-label-for]). */
export function linkLabels(root, prefix) {
  for (const label of root.querySelectorAll("[data-label-for]")) {
    const input = root.querySelector(`[data-input="${label.dataset.labelFor}"]`);
    if (!input) continue;
    const id = `${prefix}-${label.dataset.labelFor}`;
    input.id = id;
    label.htmlFor = id;
  }
}

export function field(root, name) {
  return root.querySelector(`[data-field="${name}"]`);
}

export function input(root, name) {
  return root.querySelector(`[data-input="${name}"]`);
}

/** "1:05" or "1:02:03" for a number of seconds. */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

const lang = document.documentElement.lang || "fr";
const zone = page.timezone || undefined;

export function number(value, digits = 0) {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

export function percent(fraction, digits = 0) {
  return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: digits, minimumFractionDigits: digits }).format(fraction);
}

/** Clock time (HH:MM) in the platform's time zone. */
export function clockTime(iso, withSeconds = false) {
  const options = { hour: "2-digit", minute: "2-digit", timeZone: zone };
  if (withSeconds) options.second = "2-digit";
  return new Intl.DateTimeFormat(lang, options).format(new Date(iso));
}

/** Day and clock time ("12 Mar, 10:05") in the platform's time zone. */
export function dateTime(iso) {
  const options = {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: zone,
  };
  return new Intl.DateTimeFormat(lang, options).format(new Date(iso));
}

/** A calendar day ("Tue 8 Dec") from an ISO date (YYYY-MM-DD), as written. */
export function dayLabel(isoDate) {
  const options = { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" };
  return new Intl.DateTimeFormat(lang, options).format(new Date(`${isoDate}T12:00:00Z`));
}

/** The wall clock of an instant (ms) in the platform's time zone, as numbers. */
function wallClock(instant) {
  const options = {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", second: "numeric",
  };
  const parts = {};
  for (const part of new Intl.DateTimeFormat("en-US", options).formatToParts(new Date(instant))) {
    parts[part.type] = Number(part.value);
  }
  return parts;
}

/** The calendar day (YYYY-MM-DD) of an instant (ISO or ms) in the platform's time zone. */
export function localDay(when) {
  const { year, month, day } = wallClock(typeof when === "number" ? when : Date.parse(when));
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The instant (ISO, UTC) at wall-clock time `hhmm` ("HH:MM") of `day` (YYYY-MM-DD) in the
 * platform's time zone (a time that a change of offset skips or repeats gets one reading). */
export function zonedInstant(day, hhmm) {
  const [year, month, date] = day.split("-").map(Number);
  const [hour, minute] = hhmm.split(":").map(Number);
  const wall = Date.UTC(year, month - 1, date, hour, minute);
  const offset = (instant) => {
    const w = wallClock(instant);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
  };
  const guess = wall - offset(wall);
  return new Date(wall - offset(guess)).toISOString();
}

/** Server time estimate: the page carries the server's clock at render time. */
const skewMs = page.server_now ? Date.parse(page.server_now) - Date.now() : 0;
export function serverNow() {
  return Date.now() + skewMs;
}

export class ApiError extends Error {
  constructor(status, detail, fieldName) {
    super(detail);
    this.status = status;
    this.field = fieldName;
  }
}

/** JSON call to the platform's API with the session cookie; throws ApiError on failure. */
export async function api(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new ApiError(0, t("error.network"));
  }
  if (response.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
    throw new ApiError(401, t("error.session"));
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const refusals = page.refusals || {};
    // invalid input ("errors": the validator's wording, in English) reads as the generic refusal
    const said = data && typeof data.detail === "string" && !data.errors ? data.detail : null;
    const detail = said === null ? t("error.generic", { status: response.status }) : refusals[said] || said;
    throw new ApiError(response.status, detail, data && data.field);
  }
  return data;
}

/** Show `message` in an alert element for a while (or until replaced). */
export function showError(element, message) {
  element.textContent = message;
  element.hidden = false;
  clearTimeout(element._hideTimer);
  element._hideTimer = setTimeout(() => { element.hidden = true; }, 12000);
}

/** Say `message` to screen readers through an aria-live region. */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  setTimeout(() => { region.textContent = message; }, 50);
}

/** Once a peer connection has gathered its ICE candidates (the media relay takes an SDP
 * whole, without trickle); gives up waiting after 5 s. */
export function iceGathered(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") resolve();
    });
    setTimeout(resolve, 5000);
  });
}
