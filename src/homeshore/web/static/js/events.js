import { api, page, t } from "./util.js";

// The platform's event stream over one websocket: every event has an increasing id; after a
// drop the client reconnects with the last id it saw and the server replays what it missed,
// so nothing is lost. Heartbeats from the server keep the line checked: if nothing arrives
// for three heartbeat periods, the socket is presumed dead and replaced.

export class EventStream {
  /**
   * @param {object} options
   * @param {string} options.path websocket path on this host (e.g. "/ws")
   * @param {number} options.lastId id of the last event already reflected in the page
   * @param {(event: object) => void} options.onEvent called once per event, in id order
   * @param {(state: string, attempt: number) => void} options.onStatus connecting/open/reconnecting/closed
   * @param {number} [options.heartbeatS] the server's heartbeat period
   */
  constructor({ path, lastId, onEvent, onStatus, onTrouble, heartbeatS = 5, afterParam = "last_event_id" }) {
    this.path = path;
    this.lastId = lastId || 0;
    this.onEvent = onEvent;
    this.onStatus = onStatus || (() => {});
    // called every third failed attempt: a refused handshake (expired session) looks like
    // a network failure to a browser, so the page checks its session then
    this.onTrouble = onTrouble || (() => {});
    this.heartbeatMs = heartbeatS * 1000;
    this.afterParam = afterParam;
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.watchdog = null;
    this.retryTimer = null;
    window.addEventListener("online", () => this.reconnectNow());
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const url = new URL(this.path, `${scheme}//${window.location.host}`);
    url.searchParams.set(this.afterParam, String(this.lastId));
    return url.toString();
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.watchdog);
    if (this.socket) this.socket.close(1000, "page closed");
  }

  open() {
    clearTimeout(this.retryTimer);
    this.onStatus(this.attempt ? "reconnecting" : "connecting", this.attempt);
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      this.attempt = 0;
      this.onStatus("open", 0);
      this.feedWatchdog();
    });
    socket.addEventListener("message", (message) => {
      if (socket !== this.socket) return;
      this.feedWatchdog();
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      for (const event of Array.isArray(data) ? data : [data]) this.receive(event);
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      clearTimeout(this.watchdog);
      if (this.stopped) return;
      if (event.code === 4401 || event.code === 1008) {
        // the session is over: no point retrying, log in again
        this.onStatus("closed", this.attempt);
        window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
        return;
      }
      this.scheduleRetry();
    });
  }

  receive(event) {
    if (typeof event !== "object" || event === null) return;
    if (typeof event.id !== "number") {
      // hello, heartbeats and control messages carry no id; answering each heartbeat tells
      // the server this desk is still there
      if (event.type === "hello" && typeof event.heartbeat_s === "number") {
        this.heartbeatMs = event.heartbeat_s * 1000;
      }
      if (["heartbeat", "ping", "hello"].includes(event.type)) this.send({ type: "pong" });
      return;
    }
    if (event.id <= this.lastId) return; // already seen (replay overlap)
    this.lastId = event.id;
    try {
      this.onEvent(event);
    } catch (error) {
      console.error("event handler failed", event, error);
    }
  }

  feedWatchdog() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      // silent line: drop it and reconnect from the last id
      if (this.socket) this.socket.close(4000, "no heartbeat");
      this.scheduleRetry();
    }, this.heartbeatMs * 3);
  }

  scheduleRetry() {
    if (this.stopped) return;
    this.attempt += 1;
    this.onStatus("reconnecting", this.attempt);
    if (this.attempt % 3 === 0) this.onTrouble(this.attempt);
    const base = Math.min(10000, 500 * 2 ** Math.min(this.attempt - 1, 5));
    const delay = base / 2 + Math.random() * (base / 2);
    clearTimeout(this.retryTimer);
    this.socket = null;
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  reconnectNow() {
    if (this.stopped) return;
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return;
    this.attempt = Math.max(this.attempt, 1);
    this.open();
  }
}

/** Keep a connection status element in step with the stream (text and data-state). */
export function statusReporter(element, t) {
  return (state, attempt) => {
    element.dataset.state = state;
    element.textContent = state === "reconnecting" ? t("conn.reconnecting", { attempt }) : t(`conn.${state}`);
  };
}

/**
 * Start the page's event stream (path and last id from the page data). Events reach
 * `handler` one at a time, in id order, even when a handler awaits the API; a failing
 * handler reports to `onError` and the stream goes on.
 */
export function streamEvents(handler, onError) {
  let chain = Promise.resolve();
  const stream = new EventStream({
    path: page.ws_path,
    lastId: page.last_event_id,
    heartbeatS: page.heartbeat_s,
    onEvent: (event) => { chain = chain.then(() => handler(event)).catch(onError); },
    onStatus: statusReporter(document.getElementById("connection"), t),
    onTrouble: () => api("GET", "/api/auth/me").catch(() => {}),
  });
  stream.start();
  window.homeshoreStream = stream; // lets the end-to-end tests simulate a network drop
  return stream;
}
