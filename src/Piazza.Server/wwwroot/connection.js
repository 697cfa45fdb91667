// The WebSocket side of the web client: protocol v1 frames (one JSON object per text message), the hello handshake,
// heartbeats, request/answer matching by id, and automatic reconnection with exponential backoff and jitter.
// It knows nothing about the page: the app supplies the hello frame and handles every frame it receives.

/** Reconnect delays: the first retry comes quickly (a restarting server is back in a second or two), then doubles. */
const BACKOFF_FIRST_MS = 300;
const BACKOFF_MAX_MS = 15000;
/** Ping the server when it has been quiet this long, to notice a dead server (the client library uses 20 s too). */
const PING_AFTER_MS = 20000;
/** A server that does not answer a ping within this is treated as gone. */
const PONG_WITHIN_MS = 10000;
/** A hello that gets neither welcome nor error within this is retried on a fresh socket. */
const HELLO_WITHIN_MS = 10000;

export class Connection {
  /**
   * @param {object} handlers
   * @param {() => object} handlers.hello builds the first frame for each connection attempt (hello or register)
   * @param {(frame: object) => void} handlers.welcome the server accepted the hello
   * @param {(frame: object, attempt: number) => boolean} handlers.refused the hello was refused; returns whether to keep trying
   * @param {(frame: object) => void} handlers.frame every frame after welcome that is not an answer to a request
   * @param {(state: string, detail?: string) => void} handlers.state connecting | online | offline | stopped
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.socket = null;
    this.welcomed = false;
    this.attempt = 0;
    this.stopped = true;
    this.retryTimer = 0;
    this.pingTimer = 0;
    this.pongTimer = 0;
    this.helloTimer = 0;
    this.nextId = 1;
    this.waiting = new Map();
  }

  /** Starts connecting (again); keeps reconnecting until stop(). */
  start() {
    this.stopped = false;
    this.attempt = 0;
    clearTimeout(this.retryTimer);
    this.open();
  }

  /** Stops for good: says bye if connected and never reconnects. */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    this.welcomed = false;
    if (socket) {
      try {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'bye' }));
        socket.close(1000, 'bye');
      } catch { /* already closed */ }
    }
    this.failWaiting('stopped');
    this.handlers.state('stopped');
  }

  get online() {
    return this.welcomed && this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if connected; returns false when it could not be sent (the caller keeps it for later). */
  send(frame) {
    if (!this.online) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a request with a fresh id and resolves with the ok/error/history frame that answers it. */
  request(frame, timeoutMs = 15000) {
    const id = `r${this.nextId++}`;
    return new Promise((resolve) => {
      if (!this.send({ ...frame, id })) {
        resolve({ type: 'error', code: 'offline', message: 'not connected' });
        return;
      }
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ type: 'error', code: 'timeout', message: 'no answer from the server' });
      }, timeoutMs);
      this.waiting.set(id, (answer) => { clearTimeout(timer); resolve(answer); });
    });
  }

  open() {
    if (this.stopped) return;
    this.clearTimers();
    this.welcomed = false;
    this.handlers.state('connecting', this.attempt > 0 ? `attempt ${this.attempt + 1}` : undefined);
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.socket) return;
      socket.send(JSON.stringify(this.handlers.hello()));
      this.helloTimer = setTimeout(() => socket.close(4000, 'no welcome'), HELLO_WITHIN_MS);
    });
    socket.addEventListener('message', (event) => {
      if (socket !== this.socket) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame === 'object') this.receive(frame);
    });
    socket.addEventListener('close', () => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.welcomed = false;
      this.clearTimers();
      this.failWaiting('connection lost');
      this.scheduleRetry();
    });
  }

  receive(frame) {
    this.armPing();
    if (frame.type === 'ping') {
      this.socket?.send(JSON.stringify({ type: 'pong' }));
      return;
    }
    if (!this.welcomed) {
      if (frame.type === 'welcome') {
        clearTimeout(this.helloTimer);
        this.welcomed = true;
        this.attempt = 0;
        this.handlers.state('online');
        this.handlers.welcome(frame);
      } else if (frame.type === 'error') {
        clearTimeout(this.helloTimer);
        const retry = this.handlers.refused(frame, this.attempt) === true;
        if (!retry) this.stop();
        else this.socket?.close(4001, 'retry');
      }
      return;
    }
    const answers = frame.re !== undefined && this.waiting.has(frame.re);
    if (frame.type === 'pong') {
      clearTimeout(this.pongTimer);
      // The heartbeat's pong ends here; a requested ping's pong (the end of a login's sync) answers its request.
      if (!answers) return;
    }
    if (answers && (frame.type === 'ok' || frame.type === 'error' || frame.type === 'history' || frame.type === 'pong')) {
      const resolve = this.waiting.get(frame.re);
      this.waiting.delete(frame.re);
      resolve(frame);
      return;
    }
    this.handlers.frame(frame);
  }

  /** Exponential backoff with jitter: 0.3 s, 0.6 s, 1.2 s … up to 15 s, each randomised to 50–100 %. */
  scheduleRetry() {
    if (this.stopped) return;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    const delay = Math.round(ceiling * (0.5 + Math.random() * 0.5));
    this.attempt++;
    this.handlers.state('offline', `${Math.max(1, Math.round(delay / 1000))}`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  /** Retries at once (the user asked, or the browser came back online). */
  retryNow() {
    if (this.stopped || this.socket) return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  armPing() {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      if (!this.online) return;
      this.socket.send(JSON.stringify({ type: 'ping', id: 'hb' }));
      this.pongTimer = setTimeout(() => this.socket?.close(4002, 'no pong'), PONG_WITHIN_MS);
    }, PING_AFTER_MS);
  }

  clearTimers() {
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.helloTimer);
  }

  failWaiting(message) {
    for (const resolve of this.waiting.values()) resolve({ type: 'error', code: 'offline', message });
    this.waiting.clear();
  }
}
