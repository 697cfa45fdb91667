// One conversation as the client knows it: messages kept in seq order with no duplicates, system lines
// (joined/left/topic) placed after the last message seen when they happened, unread count and resume point.
// No DOM and no I/O: model.js owns the conversations and node's test runner exercises both.

import { followDeletion } from './reply.js';

/** Conversation keys are case-insensitive on the server; private conversations start with '@'. */
export const keyOf = (name) => String(name).toLowerCase();
export const isDirect = (key) => key.startsWith('@');
/** User names compare case-insensitively, as the server compares them. */
export const sameName = (a, b) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

export class Conversation {
  constructor(key, name) {
    this.key = key;
    this.name = name;
    this.direct = isDirect(key);
    /** A group conversation (three or more participants); its `peer` is the others' names, 'bob, carol'. */
    this.group = isGroupKey(key);
    this.peer = null;
    this.topic = '';
    this.owner = null;
    this.users = [];
    this.userCount = 0; // the server's count (users may hold only its first pages)
    this.usersNext = null; // the who cursor of the next page; null when users is complete
    this.usersPartial = false; // a storm's presence frame named only some: reload the pages from the start
    /** Folded names of the room's moderators, and whether only they may change the topic. */
    this.moderators = [];
    this.locked = true;
    /** Seqs of messages deleted while this client held them or not (see addMessages). */
    this.deletedSeqs = new Set();
    /** Timeline entries, sorted: messages by seq; a system line sorts right after the message it followed. */
    this.items = [];
    this.seqs = new Set();
    this.maxSeq = 0;
    this.unread = 0;
    /** Read state (model-reading.js): mentions of us unread, the read position, and the seqs the counts hold. */
    this.mentions = 0;
    this.readSeq = 0;
    this.readDue = false;
    this.serverSeq = 0;
    this.countedTo = 0;
    this.historyCounted = false;
    this.loaded = false;
    this.loadingOlder = false;
    this.systemCounter = 0;
    this.joined = true;
    /** The seq of the first message that was unread when the conversation was opened: the "new" line goes above it. */
    this.unreadFrom = null;
    /** Bumped whenever items are inserted anywhere but the end (or the "new" line moves), so a view rebuilds. */
    this.version = 0;
  }

  /** A group's participants other than us, as a list (what a send's `to` carries); null for rooms and two-person ones. */
  get others() {
    return this.group ? splitNames(this.peer ?? '') : null;
  }

  get minSeq() {
    for (const item of this.items) if (item.kind === 'msg') return item.seq;
    return 0;
  }

  /** True when messages older than the first one we hold exist on the server (seqs start at 1, with no gaps). */
  get hasOlder() {
    const min = this.minSeq;
    return min > 1;
  }

  /**
   * Adds messages that are not here yet; returns the ones that were new, in seq order.
   * Duplicates (same seq) are dropped: a resume, a repeated history answer or an ok can all bring one again.
   */
  addMessages(messages) {
    const added = [];
    for (const m of messages) {
      if (typeof m.seq !== 'number' || this.seqs.has(m.seq)) continue;
      this.seqs.add(m.seq);
      // A deletion can overtake the message itself (a catch-up page read just before it): remember and apply it.
      const deleted = Boolean(m.deleted) || this.deletedSeqs.has(m.seq);
      added.push({ kind: 'msg', seq: m.seq, id: m.id, from: m.from, to: m.to, text: deleted ? '' : m.text, file: deleted ? undefined : m.file, ts: m.ts, deleted, mentions: m.mentions, editedAt: deleted ? undefined : m.editedAt, reply: deleted ? undefined : m.reply, reactions: deleted ? undefined : m.reactions, bot: m.bot === true, sort: [m.seq, 0, 0] });
    }
    if (added.length === 0) return added;
    const appendOnly = added.every((a) => a.seq > this.maxSeq);
    for (const a of added) this.maxSeq = Math.max(this.maxSeq, a.seq);
    this.items.push(...added);
    if (!appendOnly) {
      this.items.sort(compareItems);
      this.version++;
    } else {
      added.sort(compareItems);
    }
    added.appendOnly = appendOnly;
    return added;
  }

  /** Applies a `deleted` event: the message keeps its place but loses its text. False when it is not held. */
  markDeleted(seq, by) {
    this.deletedSeqs.add(seq);
    const item = this.items.find((i) => i.kind === 'msg' && i.seq === seq);
    if (!item || item.deleted) return false;
    item.deleted = true;
    item.deletedBy = by ?? null;
    item.text = '';
    followDeletion(this, seq);
    this.version++;
    return true;
  }

  /** Puts the "new" line above the `count` newest messages of others (`isMine` tells ours apart); 0 removes it. */
  markUnread(count, isMine) {
    let from = null;
    for (let i = this.items.length - 1, left = count; i >= 0 && left > 0; i--) {
      const item = this.items[i];
      if (item.kind !== 'msg' || isMine(item.from)) continue;
      from = item.seq;
      left--;
    }
    if (from === this.unreadFrom) return;
    this.unreadFrom = from;
    this.version++;
  }

  /** The newest message still standing from `name` (compared case-insensitively). */
  latestFrom(name) {
    const wanted = String(name).toLowerCase();
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i];
      if (item.kind === 'msg' && !item.deleted && item.id && item.from.toLowerCase() === wanted) return item;
    }
    return null;
  }

  /**
   * Adds a joined/left/topic line after the message `after` (by default the latest seen so far); a line placed
   * before later messages (a leave shown once its grace period ended) re-sorts the timeline.
   */
  addSystem(text, ts, after = this.maxSeq) {
    const item = { kind: 'sys', text, ts, sort: [after, 1, ++this.systemCounter] };
    this.items.push(item);
    if (after < this.maxSeq) {
      this.items.sort(compareItems);
      this.version++;
    }
    return item;
  }

  /** The seq after which the server should resume, or null when nothing was seen yet. */
  get resumePoint() {
    return this.maxSeq > 0 ? this.maxSeq : null;
  }
}

function compareItems(a, b) {
  for (let i = 0; i < 3; i++) {
    if (a.sort[i] !== b.sort[i]) return a.sort[i] - b.sort[i];
  }
  return 0;
}

/** The other participant of a private conversation, from a message's from/to and our own name (a group's: 'bob, carol'). */
export function peerOf(message, me) {
  if (!message) return null;
  if (Array.isArray(message.to)) return groupName([message.from, ...message.to], me);
  const from = message.from ?? '';
  if (from.toLowerCase() !== me.toLowerCase()) return from;
  return message.to ?? null;
}

/** The (lower-case) name inside an identity key: an account's key is its name, a guest's is '~name~random'. */
export const nameOfKey = (key) => (key.startsWith('~') ? key.slice(1).split('~')[0] : key);

/** The other participant's name, read from a conversation id like '@alice,~bob~3f9a0c2e7b1d4a65'. */
export function peerFromKey(key, me) {
  const names = key.slice(1).split(',').map(nameOfKey);
  if (names.length > 2) return groupName(names, me);
  return names.find((n) => n !== keyOf(me ?? '')) ?? names[0];
}

/** A group conversation's key names three or more participants: '@alice,bob,carol'. */
export const isGroupKey = (key) => isDirect(key) && key.split(',').length > 2;

/** The names of a group other than `me`, once each, in key order, joined as the page shows them: 'Bob, carol'. */
export function groupName(names, me) {
  const seen = new Set([keyOf(me ?? '')]);
  const others = [];
  for (const n of names) {
    if (typeof n !== 'string' || n === '' || seen.has(keyOf(n))) continue;
    seen.add(keyOf(n));
    others.push(n);
  }
  return others.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0)).join(', ');
}

/** 'bob, carol' or 'bob,carol' as a list of names. */
export const splitNames = (text) => String(text).split(',').map((n) => n.trim()).filter(Boolean);
