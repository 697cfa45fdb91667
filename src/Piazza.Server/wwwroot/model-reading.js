// Read state and mentions in the page's model (issue 14): what the server says was read (the welcome's
// `conversations`, the `room` frame of a join, `read` from the account's other devices), the unread and mention
// counts that follow from it, and the `read` frames this page owes the server once the person has actually seen
// messages (the page visible, the conversation open, the view scrolled to them: the view reports that). Mute is
// this browser's per-account choice (settings.js keeps it): it hides unread badges and notifications, never mentions.
// Pure like model.js: no DOM, no I/O; these are ChatModel methods and helpers the frame handlers call.
import { keyOf, isDirect, nameOfKey } from './conversation.js';

/** The entry of a message's `mentions` that names everyone in the room (`@room`). */
const EVERYONE = '@room';

/** Whether a message (a frame or a timeline item) names us in its `mentions` (identity keys, or `@room`). */
export function mentionsMe(model, message) {
  const mentions = message?.mentions;
  if (!Array.isArray(mentions) || model.me === null) return false;
  const name = keyOf(model.me);
  // An account's key is its lower-case name; a guest's is '~name~random', of which the page knows only the name.
  return mentions.some((k) => typeof k === 'string'
    && (k === EVERYONE || (model.registered ? k === name : k.startsWith('~') && nameOfKey(k) === name)));
}

/** Counts from the server for one conversation: `{ seq, read, unread, mentions }` (a welcome entry or a room frame). */
export function applyCounts(conv, counts) {
  if (typeof counts.read !== 'number') return;
  // A read this page made but has not yet had stored (sent after this frame was written) keeps its own counts.
  if (counts.read < conv.readSeq) return;
  conv.readSeq = counts.read;
  conv.readDue = false;
  if (typeof counts.unread === 'number') conv.unread = Math.max(0, counts.unread);
  if (typeof counts.mentions === 'number') conv.mentions = Math.max(0, counts.mentions);
  if (typeof counts.seq === 'number') {
    conv.serverSeq = Math.max(conv.serverSeq, counts.seq);
    conv.countedTo = Math.max(conv.countedTo, counts.seq);
  } else {
    // A join's room frame: the history that follows is already in these counts.
    conv.historyCounted = true;
  }
}

/** The welcome's per-conversation counts (rooms, private and group conversations alike). */
export function applyWelcomeCounts(model, conversations) {
  if (!Array.isArray(conversations)) return;
  for (const c of conversations) {
    if (typeof c?.room !== 'string') continue;
    const key = keyOf(c.room);
    const conv = isDirect(key) ? model.convFor(c.room, null) : model.ensureConv(key, c.room);
    applyCounts(conv, c);
  }
}

/**
 * New messages of a conversation (in seq order): counted as unread (and as mentions) unless already counted by the
 * server's numbers, ours, already read, or seen right now (then read moves on instead).
 */
export function countNews(model, conv, added) {
  let newest = 0;
  for (const a of added) {
    if (a.seq <= conv.countedTo) continue;
    conv.countedTo = a.seq;
    if (model.isMine(a.from) || a.seq <= conv.readSeq) continue;
    newest = a.seq;
    if (model.seeing(conv)) continue;
    conv.unread += 1;
    if (mentionsMe(model, a)) conv.mentions += 1;
  }
  if (newest > 0 && model.seeing(conv)) advanceRead(model, conv, conv.maxSeq, true);
}

/**
 * Moves the read position to `seq` (never back); the counts drop by what lay between. `owed`: this page saw them,
 * so the server must be told (a `read` frame is due); otherwise another device told us.
 */
export function advanceRead(model, conv, seq, owed) {
  if (!(seq > conv.readSeq)) return false;
  let others = 0;
  let mentioned = 0;
  for (const item of conv.items) {
    if (item.kind !== 'msg' || item.seq <= conv.readSeq || item.seq > seq || model.isMine(item.from)) continue;
    others += 1;
    if (mentionsMe(model, item)) mentioned += 1;
  }
  const after = Math.max(0, Math.max(conv.maxSeq, conv.serverSeq) - seq);
  conv.unread = Math.max(0, Math.min(conv.unread - others, after));
  conv.mentions = Math.max(0, Math.min(conv.mentions - mentioned, conv.unread));
  conv.readSeq = seq;
  if (owed) conv.readDue = true;
  return true;
}

/** `{"type":"read","room":…,"seq":N}`: the account read on another device. */
export function onRead(model, f) {
  if (typeof f.room !== 'string' || typeof f.seq !== 'number') return;
  const conv = model.conv(keyOf(f.room));
  // Read this far elsewhere: what this page still owed is covered.
  if (conv && advanceRead(model, conv, f.seq, false)) conv.readDue = false;
}

/** ChatModel's reading methods (`this` is the model). */
export const readingMethods = {
  /** The person can see the open conversation's newest messages now (page visible, view at the bottom). */
  seeing(conv) {
    return this.visible && this.following && conv.key === this.active;
  },

  /**
   * The view reports what the person sees: the open conversation `key` shown down to message `seq`, and whether it
   * follows at the bottom. Read moves on only while the page is visible.
   */
  seen(key, seq, following = this.following) {
    this.following = following;
    const conv = this.conv(key);
    if (!conv || key !== this.active || !this.visible) return;
    if (advanceRead(this, conv, Math.min(seq, conv.maxSeq), true)) this.changed();
  },

  /** The `read` frames owed to the server (each conversation's newest position once); clears them. */
  takeReads() {
    const frames = [];
    for (const conv of this.convs.values()) {
      if (!conv.readDue) continue;
      conv.readDue = false;
      frames.push({ type: 'read', room: conv.direct ? conv.key : conv.name, seq: conv.readSeq });
    }
    return frames;
  },

  get readsDue() {
    for (const conv of this.convs.values()) if (conv.readDue) return true;
    return false;
  },

  mentionsMe(message) {
    return mentionsMe(this, message);
  },

  /** This browser's muted conversations (keys), for the signed-in account. */
  setMuted(keys) {
    this.muted = new Set(keys);
    this.changed();
  },

  isMuted(key) {
    return this.muted.has(key);
  },

  /** The unread count a conversation shows: none when muted (its mentions still show). */
  shownUnread(conv) {
    return this.muted.has(conv.key) ? 0 : conv.unread;
  },
};
