// The web client's state: who we are, our conversations, the sends not yet acknowledged, the connection's status.
// Frames from the server go in (welcome, receive), state comes out; there is no DOM and no I/O here. What must
// happen outside (send a frame, fetch a gap, stop reconnecting) is returned as effects for app.js to carry out,
// and every change is announced to the subscribers (the views), which render from this state alone.
import { Conversation, keyOf, isDirect, peerOf, peerFromKey, sameName } from './conversation.js';
import { receiveFrame } from './model-frames.js';
import { describeRefusal } from './refusals.js';
import { LeaveHolds, realTimers, releaseLeave } from './presence.js';
import { takeFirstPage } from './people-pages.js';
import { sendFrame, sendingMethods } from './model-sends.js';
import { groupMethods } from './model-groups.js';
import { applyWelcomeCounts, advanceRead, countNews, readingMethods } from './model-reading.js';

export { sendFrame };

export class ChatModel {
  /**
   * `now` is the clock (an acknowledged send is stamped with it) and `timers` its setTimeout/clearTimeout (a leave
   * waits on them for a rejoin); `sendPrefix` tells this page's send ids apart.
   */
  constructor({ now = () => new Date(), timers = realTimers, sendPrefix = Math.random().toString(36).slice(2, 10) } = {}) {
    this.now = now;
    /** Leaves of others held for a moment: a rejoin right after (a reload) shows neither line. */
    this.leaveHolds = new LeaveHolds(timers, (held) => releaseLeave(this, held));
    this.sendPrefix = sendPrefix;
    this.sendCounter = 0;
    this.listeners = new Set();
    /** Whether the person can see the page: messages arriving in the open conversation then are read. */
    this.visible = true;
    /** Whether the open conversation's view sits at its newest messages (the view says; see model-reading.js). */
    this.following = true;
    /** What the connection is doing: connecting | online | offline | stopped, with a detail and a server message. */
    this.status = { kind: 'connecting', detail: null, message: null };
    this.clear();
  }

  /** Forgets the session (logout, or a sign-in that was refused). */
  clear() {
    this.me = null;
    this.myKey = null;
    this.registered = false;
    this.admin = false;
    this.credentials = null;
    /** True once the server has sent everything a login brings (rooms, history, private conversations). */
    this.synced = false;
    /** Set when the server removed us (kicked or banned): nothing reconnects by itself any more. */
    this.ended = false;
    /** Our away text (away.js), set again after a reconnect: the server forgets it with our last connection. */
    this.myAway = null;
    /** Conversations by key, in the order they were first seen. */
    this.convs = new Map();
    this.active = null;
    /** Sends not yet acknowledged (or failed), by id. */
    this.pending = new Map();
    /** What was typed but not sent, by conversation key. */
    this.drafts = new Map();
    /** Conversations this browser keeps quiet for this account (app.js loads them after the welcome). */
    this.muted = new Set();
    this.leaveHolds.clear();
    this.changed();
  }

  /** Calls `listener(model)` after every change; returns the function that unsubscribes. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed() {
    for (const listener of this.listeners) listener(this);
  }

  // ------------------------------------------------------------ session

  /** Remembers how to sign in: `{ token }`, or `{ mode: 'login' | 'register' | 'guest', user, password }`. */
  signIn(credentials) {
    this.credentials = credentials;
  }

  /** The first frame of each connection: the credentials and, per conversation, the last seq seen. */
  hello() {
    const base = { protocol: 1, client: 'piazza-web/0.1' };
    const resume = {};
    for (const conv of this.convs.values()) {
      if (conv.resumePoint !== null) resume[conv.key] = conv.resumePoint;
    }
    const c = this.credentials ?? {};
    if (c.token) return { type: 'hello', token: c.token, resume, ...base };
    if (c.mode === 'register') return { type: 'register', user: c.user, password: c.password, ...base };
    if (c.mode === 'login') return { type: 'hello', user: c.user, password: c.password, resume, ...base };
    return { type: 'hello', user: c.user, resume, ...base };
  }

  /**
   * The server accepted the hello, first or again after a reconnect. Returns the effects: remember a new token,
   * join again the rooms a guest had (then fill what it missed), resend what is still pending, and `sync`
   * (a ping whose answer marks the end of what a login brings: call markSynced then).
   */
  welcome(w) {
    const effects = [];
    const reconnect = this.me !== null;
    this.me = w.user;
    this.admin = Boolean(w.admin);
    this.registered = Boolean(w.registered);
    this.myKey = this.registered ? keyOf(w.user) : `~${keyOf(w.user)}`;
    this.synced = false;
    if (w.token) {
      this.credentials = { token: w.token };
      effects.push({ kind: 'remember', token: w.token });
    }
    const welcomeRooms = new Map((w.rooms ?? [{ room: 'lobby' }]).map((r) => [keyOf(r.room), r.room]));
    for (const [key, name] of welcomeRooms) this.ensureConv(key, name).joined = true;
    const lobby = this.convs.get('lobby');
    if (lobby && Array.isArray(w.users)) takeFirstPage(lobby, w);
    applyWelcomeCounts(this, w.conversations);

    // Rooms we were in before this connection: an account's memberships are stored (gone means left elsewhere);
    // a guest's end with its connection, so it joins them again and fills what it missed.
    for (const conv of [...this.convs.values()]) {
      if (conv.direct || welcomeRooms.has(conv.key)) continue;
      if (this.registered) this.dropConv(conv.key);
      else effects.push({ kind: 'rejoin', key: conv.key, room: conv.name });
    }
    for (const pending of this.pending.values()) {
      if (pending.state === 'pending') effects.push({ kind: 'send', frame: sendFrame(pending) });
    }
    if (reconnect && this.myAway) effects.push({ kind: 'send', frame: { type: 'away', text: this.myAway } });
    effects.push({ kind: 'sync' });
    if (!this.active || !this.convs.has(this.active)) this.active = this.defaultKey();
    if (reconnect) this.addNotice(this.active, 'Reconnected.');
    this.changed();
    return effects;
  }

  /**
   * A frame after welcome that answers no request: a message, history, presence, topic, moderation, the ok or
   * error of a send. Returns the effects: `fillGap` (a seq jumped), `stop` (removed from the server).
   */
  receive(frame) {
    const effects = receiveFrame(this, frame);
    this.changed();
    return effects;
  }

  /** The server has sent everything the login brings: from now on history that arrives is news. */
  markSynced() {
    this.synced = true;
  }

  /** What to tell the person about a refused hello, and whether the remembered token must be forgotten. */
  refusal(frame) {
    const c = this.credentials ?? {};
    return describeRefusal(frame, { usedToken: Boolean(c.token), wasSignedIn: this.me !== null, mode: c.mode, user: c.user });
  }

  setStatus(kind, detail = null, message = null) {
    this.status = { kind, detail, message };
    this.changed();
  }

  /** The page was hidden or shown again: shown at the bottom of the open conversation, its news is read. */
  setVisible(visible) {
    this.visible = visible;
    const conv = this.activeConv;
    if (!visible || !conv) return;
    if (conv.unread) conv.markUnread(conv.unread, (name) => this.isMine(name));
    if (this.following) advanceRead(this, conv, conv.maxSeq, true);
    this.changed();
  }

  // ------------------------------------------------------------ conversations

  get activeConv() {
    return this.active === null ? null : this.convs.get(this.active) ?? null;
  }

  conv(key) {
    return this.convs.get(key) ?? null;
  }

  isMine(name) {
    return this.me !== null && sameName(name, this.me);
  }

  /** Admins everywhere; a room's owner and moderators in that room. */
  canModerate(conv) {
    if (this.admin) return true;
    if (!conv || conv.direct || !this.me) return false;
    return sameName(conv.owner, this.me) || conv.moderators.includes(keyOf(this.me));
  }

  /** Rooms (the lobby first, then by name) and private conversations (by peer), with the unread and mention totals. */
  get sidebar() {
    const rooms = [];
    const directs = [];
    let unread = 0;
    let mentions = 0;
    for (const conv of this.convs.values()) {
      (conv.direct ? directs : rooms).push(conv);
      unread += this.shownUnread(conv);
      mentions += conv.mentions;
    }
    rooms.sort((a, b) => (a.key === 'lobby' ? -1 : b.key === 'lobby' ? 1 : a.name.localeCompare(b.name)));
    directs.sort((a, b) => a.name.localeCompare(b.name));
    return { rooms, directs, unread, mentions };
  }

  /**
   * Opens a conversation; `draft` is what was typed in the one being left. Returns the draft of the one opened.
   * Opening is not reading: the view reports what it shows (seen), which moves the read position.
   */
  activate(key, draft = '') {
    if (!this.convs.has(key)) return null;
    let restored = null;
    if (this.active !== key) {
      this.drafts.set(this.active, draft);
      restored = this.drafts.get(key) ?? '';
      this.following = false;
    }
    const conv = this.convs.get(key);
    if (restored !== null || conv.unread > 0) conv.markUnread(conv.unread, (name) => this.isMine(name));
    this.active = key;
    this.changed();
    return restored;
  }

  /** The draft of the open conversation was sent. */
  clearDraft() {
    this.drafts.delete(this.active);
  }

  /** A room the server confirmed we are in (an answer to join). */
  joinedRoom(name) {
    const conv = this.ensureConv(keyOf(name), name);
    this.changed();
    return conv;
  }

  /** Forgets a conversation (left, closed, or removed by a moderator), with its pending sends. */
  removeConv(key) {
    this.dropConv(key);
    this.changed();
  }

  /** The private conversation with `who`, if we have one. */
  findDirect(who) {
    return [...this.convs.values()].find((c) => c.direct && sameName(c.peer, who)) ?? null;
  }

  /**
   * Starts a private conversation with `who` and opens it. Its id depends on whether each side is a guest (a guest's
   * key is '~name~random', known only to the server): this guesses; directHistory corrects it from the server's answer.
   */
  startDirect(who) {
    const conv = this.ensureConv(`@${[this.myKey, keyOf(who)].sort().join(',')}`, `@${who}`);
    conv.peer = who;
    conv.loaded = true;
    return conv;
  }

  /** The answer to a `history with` request made for the conversation under `key`. */
  directHistory(key, answer) {
    const conv = this.rekey(key, keyOf(answer.room ?? key)) ?? this.conv(key);
    if (conv) conv.addMessages(answer.messages ?? []);
    this.changed();
  }

  /** Messages fetched to fill a gap. */
  addPage(key, messages) {
    this.conv(key)?.addMessages(messages ?? []);
    this.changed();
  }

  /** An older page was asked for (scrolling back); olderLoaded ends it. */
  loadingOlder(key) {
    const conv = this.conv(key);
    if (!conv) return;
    conv.loadingOlder = true;
    this.changed();
  }

  olderLoaded(key, messages) {
    const conv = this.conv(key);
    if (!conv) return;
    conv.loadingOlder = false;
    conv.addMessages(messages ?? []);
    this.changed();
  }

  /** A local line (help, errors) in a conversation, the open one when `key` is gone; not sent anywhere. */
  notice(key, text) {
    if (this.addNotice(key, text)) this.changed();
  }

  addNotice(key, text) {
    const conv = this.convs.get(key) ?? this.activeConv;
    if (!conv) return null;
    const item = conv.addSystem(text, this.now().toISOString());
    item.local = true;
    return item;
  }

  ensureConv(key, name) {
    let conv = this.convs.get(key);
    if (!conv) {
      conv = new Conversation(key, name ?? key);
      if (conv.direct) {
        conv.peer = peerFromKey(key, this.me);
        conv.name = `@${conv.peer}`;
      }
      this.convs.set(key, conv);
    }
    return conv;
  }

  /** The conversation a message or history frame belongs to; private ones are created on first sight. */
  convFor(room, sample) {
    const key = keyOf(room ?? 'lobby');
    const known = this.convs.get(key);
    if (known) return known;
    if (!isDirect(key)) return this.ensureConv(key, room);
    const peer = peerOf(sample, this.me) ?? peerFromKey(key, this.me);
    // A conversation opened by /msg under a guessed id: move it to the real one.
    const draft = this.findDirect(peer);
    const conv = draft ? this.rekey(draft.key, key) : this.ensureConv(key);
    conv.peer = peer;
    conv.name = `@${peer}`;
    return conv;
  }

  /** Moves a conversation (and its pending sends) to the key the server uses for it. */
  rekey(oldKey, newKey) {
    const conv = this.convs.get(oldKey);
    if (!conv || oldKey === newKey) return conv ?? this.convs.get(newKey);
    this.convs.delete(oldKey);
    const target = this.convs.get(newKey);
    if (!target) {
      conv.key = newKey;
      this.convs.set(newKey, conv);
    }
    for (const p of this.pending.values()) if (p.key === oldKey) p.key = newKey;
    if (this.active === oldKey) this.active = newKey;
    return target ?? conv;
  }

  dropConv(key) {
    this.convs.delete(key);
    for (const [id, p] of this.pending) if (p.key === key) this.pending.delete(id);
    if (this.active === key) this.active = this.defaultKey();
  }

  defaultKey() {
    return this.convs.has('lobby') ? 'lobby' : this.convs.keys().next().value ?? null;
  }

  countUnread(conv, added) {
    countNews(this, conv, added);
  }
}

// Sending (compose, retry, discard, pendingIn) lives in model-sends.js, read state and mute (seen, takeReads,
// setMuted) in model-reading.js, groups in model-groups.js; the model is one object to its views.
Object.assign(ChatModel.prototype, sendingMethods, groupMethods);
Object.defineProperties(ChatModel.prototype, Object.getOwnPropertyDescriptors(readingMethods));
