// What a person asks for that needs the server: sending, joining, leaving, topics, private conversations,
// moderation and history pages. Each request goes out on the connection and its answer goes into the model;
// the views then render from the model.
import { groupName, keyOf, splitNames } from './conversation.js';
import { parseInput, helpText, unknownText, moderationRequest, ROOM_NAME } from './commands.js';
import { RoomListPager } from './room-list.js';
import { awayFrame } from './away.js';
import { privateRoomRequest, privateRoomAnswer, dropInvitation } from './private-rooms.js';
import { takeWhoPage, whoRequest } from './people-pages.js';

/** Scroll-back asks for this many older messages at a time. */
const HISTORY_PAGE = 50;
/** A gap (a seq that jumped, a guest rejoining) is filled in pages of this many. */
const GAP_PAGE = 500;

export class Actions {
  /**
   * @param {import('./model.js').ChatModel} model
   * @param {import('./connection.js').Connection} connection
   * @param {object} hooks
   * @param {(key: string) => void} hooks.open opens a conversation on the page (draft, focus, drawer)
   * @param {() => void} hooks.sent a message of ours was just queued (the view scrolls to it)
   */
  constructor(model, connection, hooks) {
    this.model = model;
    this.connection = connection;
    this.hooks = hooks;
    this.roomList = new RoomListPager();
  }

  /** A line from the composer: a message or a slash command. */
  submit(raw) {
    const model = this.model;
    const intent = parseInput(raw);
    switch (intent.kind) {
      case 'say': this.say(intent.text); break;
      case 'join': this.joinRoom(intent.room, intent.private === true); break;
      case 'private-room': this.privateRoom(intent.command, intent.args); break;
      case 'leave': this.leave(intent.room ? keyOf(intent.room) : model.active); break;
      case 'topic': this.setTopic(intent.topic); break;
      case 'msg': this.openDirect(intent.who).then(() => { if (intent.text.trim()) this.say(intent.text); }); break;
      case 'rooms': this.listRooms(intent.more); break;
      case 'away': this.setAway(intent.text); break;
      case 'help': model.notice(model.active, helpText(model.canModerate(model.activeConv))); break;
      case 'usage': model.notice(model.active, intent.text); break;
      case 'moderate': this.moderate(intent.command, intent.args); break;
      case 'lock': this.lockTopic(intent.locked); break;
      case 'delete': this.deleteLatest(intent.name); break;
      default: model.notice(model.active, unknownText(intent.command));
    }
  }

  /** Sends a message to the open conversation; offline it stays pending and goes again after the next welcome. */
  say(text) {
    const frame = this.model.compose(text);
    if (!frame) return;
    this.connection.send(frame);
    this.hooks.sent();
  }

  send(frame) {
    if (frame) this.connection.send(frame);
  }

  /** Sets our away status on all our devices (/away why, the menu's Away); empty: back. The `away` frame that follows says so. */
  async setAway(text) {
    const answer = await this.connection.request(awayFrame(text));
    if (answer?.type === 'error') this.model.notice(this.model.active, `Away not set: ${answer.message ?? answer.code}`);
  }

  /** Shows a page of the room list in the open conversation (/rooms, /rooms more). */
  async listRooms(more) {
    const model = this.model;
    const where = model.active;
    const { frame, error } = this.roomList.request(more);
    if (error) {
      model.notice(where, error);
      return;
    }
    const answer = await this.connection.request(frame);
    for (const line of this.roomList.lines(answer)) model.notice(where, line);
  }

  /** /invite, /uninvite, /private in the open room. */
  async privateRoom(kind, args) {
    const model = this.model;
    const conv = model.activeConv;
    const { frame, error } = privateRoomRequest(kind, args, conv);
    if (error) {
      model.notice(model.active, error);
      return;
    }
    const text = privateRoomAnswer(kind, frame, await this.connection.request(frame));
    if (text) model.notice(conv.key, text);
  }

  /** Joins (or creates: private when `isPrivate`) a room and opens it; resolves true once it is open. */
  async joinRoom(name, isPrivate = false) {
    const model = this.model;
    const room = name.replace(/^#/, '');
    if (!ROOM_NAME.test(room)) {
      model.notice(model.active, 'Room names are 1 to 64 letters, digits, “-”, “_” or “.”.');
      return false;
    }
    const existing = model.conv(keyOf(room));
    if (existing && !existing.direct) {
      this.hooks.open(existing.key);
      return true;
    }
    const answer = await this.connection.request(isPrivate ? { type: 'join', room, private: true } : { type: 'join', room });
    dropInvitation(model, room);
    if (answer.type === 'ok') {
      this.hooks.open(model.joinedRoom(answer.room ?? room).key);
      return true;
    }
    model.notice(model.active, `Could not join ${room}: ${answer.message ?? answer.code}`);
    return false;
  }

  /** Loads the next page of a room's people (the people list's "more" button). */
  async morePeople(key) {
    const conv = this.model.conv(key);
    const frame = conv && whoRequest(conv);
    if (!frame) return;
    if (takeWhoPage(conv, await this.connection.request(frame))) this.model.changed();
  }

  /** Opens a room an address names: joins it when it exists, never creates it (a mistyped link must not). */
  async enterRoom(name) {
    if (this.model.conv(keyOf(name))) return this.joinRoom(name);
    const who = await this.connection.request({ type: 'who', room: name, limit: 1 });
    if (who.code === 'no_such_room') {
      this.model.notice(this.model.active, `There is no room called #${name}: /join ${name} creates it.`);
      return false;
    }
    return this.joinRoom(name);
  }

  /** Leaves a room (or closes a private conversation, which has nothing to leave on the server). */
  async leave(key) {
    const model = this.model;
    const conv = model.conv(key);
    if (!conv) {
      model.notice(model.active, `You are not in ${key}.`);
      return;
    }
    if (conv.direct) {
      model.removeConv(key);
      return;
    }
    const answer = await this.connection.request({ type: 'leave', room: conv.name });
    if (answer.type === 'ok' || answer.code === 'not_in_room') model.removeConv(key);
    else model.notice(model.active, `Could not leave ${conv.name}: ${answer.message ?? answer.code}`);
  }

  async setTopic(topic) {
    const conv = this.roomOrExplain();
    if (!conv) return;
    const answer = await this.connection.request({ type: 'topic', room: conv.name, topic });
    if (answer.type !== 'ok') {
      const text = answer.code === 'forbidden' ? `The topic is locked: only the room's owner${conv.owner ? ` (${conv.owner})` : ''} and moderators can set it.` : answer.message ?? answer.code;
      this.model.notice(conv.key, text);
    }
  }

  async lockTopic(locked) {
    const conv = this.roomOrExplain();
    if (!conv) return;
    const answer = await this.connection.request({ type: 'topic', room: conv.name, lock: locked });
    if (answer.type !== 'ok') this.model.notice(conv.key, `Could not ${locked ? 'lock' : 'unlock'} the topic: ${answer.message ?? answer.code}`);
  }

  /** The open conversation when it is a room; otherwise says why a topic makes no sense here. */
  roomOrExplain() {
    const conv = this.model.activeConv;
    if (conv && !conv.direct) return conv;
    this.model.notice(this.model.active, 'Private conversations have no topic.');
    return null;
  }

  /**
   * Opens (or starts) the group conversation of us and `names` (`/msg bob,carol`, `#/dm/bob,carol`); resolves true
   * once it is open. Unknown names are told by the server when the first message is sent (no_such_user).
   */
  async openGroup(names) {
    const model = this.model;
    if (names.some((n) => model.isMine(n))) {
      model.notice(model.active, 'Leave yourself out: you are always in your group conversations.');
      return false;
    }
    const existing = model.findDirect(groupName(names, model.me));
    if (existing) {
      this.hooks.open(existing.key);
      return true;
    }
    const conv = model.startGroup(names);
    this.hooks.open(conv.key);
    const answer = await this.connection.request({ type: 'history', room: conv.key, limit: HISTORY_PAGE });
    if (answer.type === 'history') model.directHistory(conv.key, answer);
    return true;
  }

  /**
   * Opens (or starts) the private conversation with `who`; resolves true once it is open. With `dropUnknown` (an
   * address, not a typed /msg) a name that is nobody's closes it again and says so where the person is.
   */
  async openDirect(who, { dropUnknown = false } = {}) {
    const model = this.model;
    if (who.includes(',')) return this.openGroup(splitNames(who));
    if (model.isMine(who)) {
      model.notice(model.active, 'That is you.');
      return false;
    }
    const existing = model.findDirect(who);
    if (existing) {
      this.hooks.open(existing.key);
      return true;
    }
    const conv = model.startDirect(who);
    this.hooks.open(conv.key);
    const answer = await this.connection.request({ type: 'history', with: who, limit: HISTORY_PAGE });
    // conv.key, not a copy: a message from `who` may have moved the conversation to its real id meanwhile.
    if (answer.type === 'history') {
      model.directHistory(conv.key, answer);
      return true;
    }
    if (answer.code !== 'no_such_user') return true;
    if (!dropUnknown) {
      model.notice(conv.key, `There is no user called ${who}.`);
      return true;
    }
    model.removeConv(conv.key);
    model.notice(model.active, `There is no user called ${who}.`);
    return false;
  }

  async moderate(command, args) {
    const model = this.model;
    const request = moderationRequest(command, args, model.activeConv);
    if (request.error) {
      model.notice(model.active, request.error);
      return;
    }
    const { frame, type, target } = request;
    const answer = await this.connection.request(frame);
    model.notice(model.active, answer.type === 'ok' ? `${type} ${target}: done${answer.until ? ` (until ${new Date(answer.until).toLocaleString()})` : ''}`
      : `Could not ${type} ${target}: ${answer.message ?? answer.code}`);
  }

  /** /delete: the latest standing message of yours (or of `name`) in the open conversation. */
  async deleteLatest(name) {
    const model = this.model;
    const conv = model.activeConv;
    const target = conv?.latestFrom(name ? name.replace(/^@/, '') : model.me);
    if (!target) {
      model.notice(model.active, name ? `No message from ${name} to delete here.` : 'No message of yours to delete here.');
      return;
    }
    const answer = await this.connection.request({ type: 'delete', room: conv.direct ? undefined : conv.name, msg: target.id });
    if (answer.type !== 'ok') model.notice(conv.key, `Could not delete: ${answer.message ?? answer.code}`);
  }

  /** Asks for the page before the oldest message held (the reader scrolled near the top). */
  async loadOlder(key) {
    const conv = this.model.conv(key);
    if (!conv || conv.loadingOlder || !conv.hasOlder || !this.connection.online) return;
    this.model.loadingOlder(key);
    const answer = await this.connection.request({ type: 'history', room: conv.key, before: conv.minSeq, limit: HISTORY_PAGE });
    this.model.olderLoaded(conv.key, answer.type === 'history' ? answer.messages : []);
  }

  /** Fetches what is missing after `after` (a guest rejoining, or a seq that jumped): no gaps, ever. */
  async fillGap(key, after) {
    if (!after) return;
    let from = after;
    for (;;) {
      const answer = await this.connection.request({ type: 'history', room: key, after: from, limit: GAP_PAGE });
      if (answer.type !== 'history' || !answer.messages?.length) return;
      this.model.addPage(key, answer.messages);
      // A short answer ends the gap unless the server cut it by size ("more").
      if (answer.messages.length < GAP_PAGE && !answer.more) return;
      from = answer.messages[answer.messages.length - 1].seq;
    }
  }

  /** A guest's room after a reconnect: join it again, then fetch what was said meanwhile. */
  async rejoin(key, room) {
    const answer = await this.connection.request({ type: 'join', room });
    if (answer.type === 'ok') await this.fillGap(key, this.model.conv(key)?.maxSeq ?? 0);
  }
}
