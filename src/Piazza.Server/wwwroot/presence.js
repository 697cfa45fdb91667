// Presence as the page shows it: who is online (only as fresh as the connection), and quick leave-and-return
// coalescing. A reload or a short network drop makes the server announce `left` (lost or quit) and, a moment later,
// `joined` again; such a leave is held for a grace period and dropped, with the rejoin that undoes it, so the rooms
// do not fill with "erin left / erin joined" pairs. Pure: time comes from the clock the model is given.
import { sameName } from './conversation.js';

/** Leave reasons a reconnect undoes: the connection ended without an explicit leave, kick or ban. */
export const HELD_REASONS = new Set(['lost', 'quit']);
/** How long a held leave waits for its rejoin before it is shown: a reload takes a second or two, a flaky network a few. */
export const REJOIN_GRACE_MS = 10_000;

/** The timers of the page; tests pass a fake clock with the same two functions. */
export const realTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
};

/** Leaves waiting for their grace period to end, by conversation and user. */
export class LeaveHolds {
  /**
   * @param {object} timers setTimeout(fn, ms) and clearTimeout(handle)
   * @param {(held: object) => void} release shows a leave whose user did not come back in time
   */
  constructor(timers, release) {
    this.timers = timers;
    this.release = release;
    this.held = new Map();
  }

  /** Holds the leave line `text` of `user` in `conv`, remembering where in the timeline it happened. */
  hold(conv, user, text, ts) {
    const id = holdId(conv.key, user);
    this.drop(id);
    const held = { key: conv.key, user, text, ts, after: conv.maxSeq };
    held.timer = this.timers.setTimeout(() => {
      this.held.delete(id);
      this.release(held);
    }, REJOIN_GRACE_MS);
    this.held.set(id, held);
  }

  /** `user` joined `key` again: true when that undid a held leave (then neither line is shown). */
  undo(key, user) {
    return this.drop(holdId(key, user));
  }

  /** Forgets every held leave (logout). */
  clear() {
    for (const id of [...this.held.keys()]) this.drop(id);
  }

  drop(id) {
    const held = this.held.get(id);
    if (!held) return false;
    this.timers.clearTimeout(held.timer);
    this.held.delete(id);
    return true;
  }
}

/** A held leave whose user did not come back in time: shown where it happened, unless they are present again. */
export function releaseLeave(model, held) {
  const conv = model.conv(held.key);
  if (!conv || conv.users.some((u) => sameName(u.user, held.user))) return;
  conv.addSystem(held.text, held.ts, held.after);
  model.changed();
}

const holdId = (key, user) => `${key}\n${String(user).toLowerCase()}`;

/**
 * How the page shows `user`'s presence: 'online' when present in a room we are in, 'away' when not seen in any,
 * 'unknown' whenever the page itself is not connected (what it knew may be out of date).
 */
export function presenceOf(model, user) {
  if (model.status.kind !== 'online') return 'unknown';
  if (model.isMine(user)) return 'online';
  for (const conv of model.convs.values()) {
    if (!conv.direct && conv.users.some((u) => sameName(u.user, user))) return 'online';
  }
  return 'away';
}
