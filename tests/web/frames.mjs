// Server frames shaped as docs/protocol.md describes them, and a model signed in with them, for the tests of the
// web client's state (node --test, no browser).
import { ChatModel } from '../../src/Piazza.Server/wwwroot/model.js';

export const T0 = Date.parse('2026-11-24T10:00:00.000Z');
export const ts = (second) => new Date(T0 + second * 1000).toISOString();

/** A clock that moves only when a test advances it: `now()`, and the timers the model waits on. */
export class FakeClock {
  constructor(start = T0) {
    this.time = start;
    this.timers = new Map();
    this.nextHandle = 1;
  }

  now() {
    return new Date(this.time);
  }

  setTimeout(fn, ms) {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + ms, fn });
    return handle;
  }

  clearTimeout(handle) {
    this.timers.delete(handle);
  }

  /** Moves time on by `ms`, running each timer that falls due, in order. */
  advance(ms) {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
}

/** A model on `clock` (by default one standing still at T0) whose send ids are web-test-1, web-test-2, … */
export function newModel(clock = new FakeClock()) {
  return new ChatModel({ now: () => clock.now(), timers: clock, sendPrefix: 'test' });
}

export function welcome({ user = 'alice', registered = true, rooms = ['lobby'], users = [user], token = 'tok-1' } = {}) {
  const frame = {
    type: 'welcome', user, server: 'piazza/0.1.0', protocol: 1, registered,
    rooms: rooms.map((room) => ({ room })), room: 'lobby', users: users.map((u) => ({ user: u, since: ts(0) })),
  };
  if (registered && token) frame.token = token;
  return frame;
}

/** A model signed in as `user` (an account unless registered is false), with the effects of its welcome. */
export function signedIn(options = {}) {
  const model = newModel(options.clock);
  model.signIn(options.registered === false ? { mode: 'guest', user: options.user ?? 'alice' } : { mode: 'login', user: options.user ?? 'alice', password: 'secret-password' });
  const effects = model.welcome(welcome(options));
  model.markSynced();
  return { model, effects };
}

export const message = (seq, from, text, room = 'lobby', extra = {}) => ({
  type: 'message', id: `m${seq}`, seq, room, from, text, ts: ts(seq), ...extra,
});

export const history = (room, messages, extra = {}) => ({
  type: 'history', room, messages: messages.map(({ type, ...m }) => m), ...extra,
});

export const joined = (room, user, second = 1) => ({ type: 'joined', room, user, ts: ts(second) });

export const left = (room, user, reason = 'quit', extra = {}) => ({ type: 'left', room, user, reason, ts: ts(2), ...extra });

/** The texts of a conversation's messages, in the order shown. */
export const texts = (conv) => conv.items.filter((i) => i.kind === 'msg').map((i) => i.text);

/** The texts of a conversation's system lines (joined, left, topic, notices), in the order shown. */
export const lines = (conv) => conv.items.filter((i) => i.kind === 'sys').map((i) => i.text);
