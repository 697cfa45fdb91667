// Piazza's web client: sign-in, conversations, messages, presence. Speaks protocol v1 over the /ws WebSocket door.
import { Connection } from './connection.js';
import { Conversation, keyOf, isDirect, peerOf, peerFromKey } from './state.js';
import { el, avatar, renderItems, renderPending } from './render.js';
import { startUpload, renderFile, useToken, forgetFiles, formatSize } from './files.js';

const TOKEN_KEY = 'piazza.token';
/** Scroll-back asks for this many older messages at a time. */
const HISTORY_PAGE = 50;
/** Within this many pixels of the bottom the view follows new messages; further up the reader is left alone. */
const STICK_PX = 48;
/** Older history loads when the reader scrolls within this many pixels of the top. */
const LOAD_OLDER_PX = 120;
const ROOM_NAME = /^[\p{L}\p{N}_.-]{1,64}$/u;

const $ = (id) => document.getElementById(id);
const ui = {
  loginView: $('login-view'), loginForm: $('login-form'), loginUser: $('login-user'), loginPassword: $('login-password'),
  loginError: $('login-error'), chatView: $('chat-view'), status: $('status'), statusText: $('status-text'),
  meName: $('me-name'), logout: $('logout'), toggleSidebar: $('toggle-sidebar'), toggleUnread: $('toggle-unread'),
  sidebar: $('sidebar'), scrim: $('scrim'), joinForm: $('join-form'), joinRoom: $('join-room'), roomList: $('room-list'),
  directList: $('direct-list'), directEmpty: $('direct-empty'), convTitle: $('conv-title'), convTopic: $('conv-topic'),
  editTopic: $('edit-topic'), leave: $('leave'), togglePeople: $('toggle-people'), peopleCount: $('people-count'),
  people: $('people'), peopleTotal: $('people-total'), peopleList: $('people-list'), scroller: $('scroller'),
  historyStatus: $('history-status'), messages: $('messages'), pending: $('pending'), newMessages: $('new-messages'),
  composer: $('composer'), input: $('input'), attach: $('attach'), fileInput: $('file-input'), uploads: $('uploads'),
  conversation: $('conversation'),
};

const state = {
  me: null,
  myKey: null,
  registered: false,
  credentials: null,
  /** True once the server has sent everything a login brings (rooms, history, private conversations). */
  synced: false,
  convs: new Map(),
  active: null,
  /** Sends not yet acknowledged, by their id; resent with the same id after a reconnect (the server dedupes). */
  pending: new Map(),
  sendPrefix: Math.random().toString(36).slice(2, 10),
  sendCounter: 0,
  rendered: { key: null, count: 0, version: -1 },
  unseenBelow: 0,
  drafts: new Map(),
  /** Uploads in progress (or failed, until dismissed), in start order. */
  uploads: [],
};

const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
const connection = new Connection(wsUrl, {
  hello: buildHello,
  welcome: onWelcome,
  refused: onRefused,
  frame: onFrame,
  state: showStatus,
});
useToken(() => state.credentials?.token ?? null);
window.piazza = { state, connection }; // for debugging from the console, and for the browser tests

// ---------------------------------------------------------------- sign-in

function buildHello() {
  const base = { protocol: 1, client: 'piazza-web/0.1' };
  const resume = {};
  for (const conv of state.convs.values()) {
    if (conv.resumePoint !== null) resume[conv.key] = conv.resumePoint;
  }
  const c = state.credentials;
  if (c.token) return { type: 'hello', token: c.token, resume, ...base };
  if (c.mode === 'register') return { type: 'register', user: c.user, password: c.password, ...base };
  if (c.mode === 'login') return { type: 'hello', user: c.user, password: c.password, resume, ...base };
  return { type: 'hello', user: c.user, resume, ...base };
}

function startSession(credentials) {
  state.credentials = credentials;
  ui.loginError.textContent = '';
  setLoginBusy(true);
  connection.start();
}

function setLoginBusy(busy) {
  for (const button of ui.loginForm.querySelectorAll('button')) button.disabled = busy;
}

function loginWith(mode) {
  const user = ui.loginUser.value.trim();
  const password = ui.loginPassword.value;
  if (!user) {
    ui.loginError.textContent = 'Please enter a user name.';
    ui.loginUser.focus();
    return;
  }
  if (mode !== 'guest' && password.length < 8) {
    ui.loginError.textContent = mode === 'register' ? 'Choose a password of at least 8 characters.' : 'Please enter your password.';
    ui.loginPassword.focus();
    return;
  }
  startSession(mode === 'guest' ? { mode, user } : { mode, user, password });
}

const REFUSALS = {
  auth_failed: 'Wrong user name or password.',
  name_taken: 'Someone with that name is connected right now.',
  name_reserved: 'That name belongs to an account: log in with its password.',
  bad_name: 'That name is not allowed: use letters, digits, “_”, “-” or “.” (up to 32).',
  name_confusable: 'That name looks too much like one that is taken: choose a more distinct name.',
  auth_required: 'This server does not allow guests: log in or register.',
};

function onRefused(frame, retrying) {
  if (retrying) return;
  let text = REFUSALS[frame.code] ?? frame.message ?? 'The server refused the sign-in.';
  if (frame.code === 'rate_limited') text = `Too many failed tries: wait ${frame.retryAfter ?? 'a few'} seconds.`;
  // The server says which rule the name broke (a character, mixed scripts, a reserved look-alike).
  if (frame.code === 'bad_name' && frame.message) text = `That name is not allowed: ${frame.message}.`;
  if (state.credentials?.token) {
    // A remembered session that no longer works (expired, revoked by a password change or a logout elsewhere).
    localStorage.removeItem(TOKEN_KEY);
    text = state.me ? 'Your session has ended: please log in again.' : '';
  }
  resetSession();
  showLogin(text);
}

function showLogin(message) {
  ui.chatView.hidden = true;
  ui.loginView.hidden = false;
  ui.loginError.textContent = message ?? '';
  setLoginBusy(false);
  ui.loginPassword.value = '';
  (ui.loginUser.value ? ui.loginPassword : ui.loginUser).focus();
  document.title = 'Piazza';
}

function showChat() {
  if (!ui.chatView.hidden) return;
  ui.loginView.hidden = true;
  ui.chatView.hidden = false;
  if (!isNarrow()) ui.input.focus();
}

function resetSession() {
  state.me = null;
  state.myKey = null;
  state.credentials = null;
  state.synced = false;
  state.convs.clear();
  state.active = null;
  state.pending.clear();
  state.rendered = { key: null, count: 0, version: -1 };
  state.drafts.clear();
  for (const upload of state.uploads) upload.handle.cancel();
  state.uploads = [];
  renderUploads();
  forgetFiles();
  ui.messages.replaceChildren();
  ui.pending.replaceChildren();
}

async function logout() {
  if (connection.online && state.registered) await connection.request({ type: 'logout' }, 3000);
  connection.stop();
  localStorage.removeItem(TOKEN_KEY);
  resetSession();
  showLogin('You are logged out.');
}

// ---------------------------------------------------------------- protocol events

function onWelcome(w) {
  const reconnect = state.me !== null;
  state.me = w.user;
  state.admin = Boolean(w.admin);
  state.registered = Boolean(w.registered);
  state.myKey = state.registered ? keyOf(w.user) : `~${keyOf(w.user)}`;
  state.synced = false;
  if (w.token) {
    state.credentials = { token: w.token };
    localStorage.setItem(TOKEN_KEY, w.token);
  }
  ui.meName.replaceChildren(avatar(w.user, 'avatar small'), el('span', null, w.user));
  ui.meName.title = state.registered ? `Signed in as ${w.user}` : `${w.user} (guest)`;
  showChat();

  const welcomeRooms = new Map((w.rooms ?? [{ room: 'lobby' }]).map((r) => [keyOf(r.room), r.room]));
  for (const [key, name] of welcomeRooms) ensureConv(key, name).joined = true;
  const lobby = state.convs.get('lobby');
  if (lobby && Array.isArray(w.users)) lobby.users = w.users;

  // Rooms we were in before this connection: an account's memberships are stored (gone means left elsewhere);
  // a guest's end with its connection, so it joins them again and fills what it missed.
  const rejoin = [];
  for (const conv of [...state.convs.values()]) {
    if (conv.direct || welcomeRooms.has(conv.key)) continue;
    if (state.registered) removeConv(conv.key);
    else rejoin.push(conv);
  }
  for (const conv of rejoin) {
    connection.request({ type: 'join', room: conv.name }).then((answer) => {
      if (answer.type === 'ok') fillGap(conv);
    });
  }
  for (const pending of state.pending.values()) {
    if (pending.state === 'pending') transmit(pending);
  }
  // The server sends a login's rooms and history before it reads our next frame: the pong marks the end.
  connection.request({ type: 'ping' }).then(() => { state.synced = true; });
  if (!state.active || !state.convs.has(state.active)) state.active = state.convs.has('lobby') ? 'lobby' : firstConvKey();
  if (reconnect) notice(state.active, 'Reconnected.');
  renderAll();
}

function onFrame(f) {
  switch (f.type) {
    case 'message': onMessage(f); break;
    case 'history': onHistory(f); break;
    case 'room': onRoom(f); break;
    case 'topic': onTopic(f); break;
    case 'joined': onJoined(f); break;
    case 'left': onLeft(f); break;
    case 'ok': onSendOk(f); break;
    case 'error': onError(f); break;
    case 'shutdown': showStatus('offline', null, f.message || 'The server is restarting'); break;
    case 'deleted': case 'kicked': case 'banned': case 'muted': case 'unmuted': case 'role': onModeration(f); break;
    default: break;
  }
}

function onMessage(m) {
  const conv = convFor(m.room, m);
  if (!conv) return;
  const before = conv.maxSeq;
  const added = conv.addMessages([m]);
  if (added.length === 0) return;
  if (before > 0 && m.seq > before + 1) fillGap(conv, before);
  // The echo of our own send may come before its ok: stop showing it as pending.
  if (isMine(m.from)) {
    for (const p of state.pending.values()) {
      if (p.key === conv.key && (p.text ?? '') === (m.text ?? '') && p.file?.id === m.file?.id && p.state === 'pending' && !p.echoed) {
        p.echoed = true;
        break;
      }
    }
  }
  countUnread(conv, added);
  conv.loaded = true;
  changed(conv, added);
}

function onHistory(h) {
  const conv = convFor(h.room, h.messages?.[0]);
  if (!conv) return;
  const before = conv.maxSeq;
  const added = conv.addMessages(h.messages ?? []);
  const first = added.length > 0 ? added[0].seq : 0;
  if (before > 0 && first > before + 1) fillGap(conv, before);
  // A login's first history is the past; anything after that (a resume, a new private conversation) is news.
  if (conv.loaded || state.synced) countUnread(conv, added);
  conv.loaded = true;
  changed(conv, added);
}

function onRoom(r) {
  const conv = ensureConv(keyOf(r.room), r.room);
  conv.name = r.room;
  conv.topic = r.topic ?? '';
  conv.owner = r.owner ?? null;
  conv.users = Array.isArray(r.users) ? r.users : [];
  conv.moderators = Array.isArray(r.moderators) ? r.moderators : [];
  conv.locked = r.locked !== false;
  conv.joined = true;
  renderAll();
}

/** Moderation events: a deleted message, being removed from the server or a room, mutes and moderator changes. */
function onModeration(f) {
  const reason = f.reason ? `: ${f.reason}` : '';
  const until = f.until ? ` until ${new Date(f.until).toLocaleString()}` : '';
  const conv = f.room ? state.convs.get(keyOf(f.room)) : null;
  switch (f.type) {
    case 'deleted':
      if (conv && conv.markDeleted(f.seq, f.by) && conv.key === state.active) renderMessages({ keepAnchor: true });
      break;
    case 'kicked': case 'banned':
      if (!f.room) {
        // Removed from the server: the connection ends and must not reconnect on its own.
        state.removedFromServer = true;
        connection.stop();
        showStatus('stopped', null, `${f.type === 'kicked' ? 'Disconnected' : 'Banned'} by ${f.by}${until}${reason}`);
      } else {
        notice(state.active, `You were banned from ${f.room} by ${f.by}${until}${reason}`);
      }
      break;
    case 'muted': case 'unmuted':
      if (conv) {
        const who = isMine(f.user) ? 'You were' : `${f.user} was`;
        changed(conv, [conv.addSystem(`${who} ${f.type} by ${f.by}${f.type === 'muted' ? until : ''}${reason}`, f.ts)]);
      }
      break;
    case 'role':
      if (conv) {
        const key = keyOf(f.user);
        conv.moderators = conv.moderators.filter((m) => m !== key);
        if (f.role === 'moderator') conv.moderators.push(key);
        changed(conv, [conv.addSystem(`${f.by} ${f.role === 'moderator' ? 'made' : 'removed'} ${f.user} ${f.role === 'moderator' ? 'a moderator' : 'as moderator'}`, f.ts)]);
      }
      break;
    default: break;
  }
}

function onTopic(t) {
  const conv = state.convs.get(keyOf(t.room));
  if (!conv) return;
  conv.topic = t.topic ?? '';
  const item = conv.addSystem(conv.topic ? `${t.by} set the topic: ${conv.topic}` : `${t.by} cleared the topic`, t.ts);
  changed(conv, [item]);
}

function onJoined(j) {
  const conv = state.convs.get(keyOf(j.room));
  if (!conv) return;
  if (!conv.users.some((u) => sameName(u.user, j.user))) conv.users.push({ user: j.user, since: j.ts });
  changed(conv, [conv.addSystem(`${j.user} joined`, j.ts)]);
}

const LEAVE_TEXT = {
  quit: 'left', left: 'left the room', lost: 'lost the connection', timeout: 'timed out',
  kicked: 'was removed', slow_consumer: 'fell behind and was disconnected', banned: 'was banned',
};

function onLeft(l) {
  const key = keyOf(l.room);
  if (isMine(l.user)) {
    if (state.removedFromServer) return;
    if ((l.reason === 'kicked' || l.reason === 'banned') && l.by) {
      // A room moderator removed us from this room only.
      removeConv(key);
      notice(state.active, `You were ${l.reason} from ${l.room} by ${l.by}${l.message ? `: ${l.message}` : ''}`);
      renderAll();
      return;
    }
    if (l.reason === 'kicked') {
      connection.stop();
      showStatus('stopped', null, `Removed by the operator${l.message ? `: ${l.message}` : ''}`);
      return;
    }
    if (l.reason === 'left') removeConv(key); // left on another device
    renderAll();
    return;
  }
  const conv = state.convs.get(key);
  if (!conv) return;
  conv.users = conv.users.filter((u) => !sameName(u.user, l.user));
  const why = `${LEAVE_TEXT[l.reason] ?? 'left'}${l.by ? ` by ${l.by}` : ''}`;
  changed(conv, [conv.addSystem(`${l.user} ${why}${l.message ? ` (${l.message})` : ''}`, l.ts)]);
}

function countUnread(conv, added) {
  if (conv.key === state.active && !document.hidden) return;
  const news = added.filter((a) => !isMine(a.from)).length;
  if (news > 0) conv.unread += news;
}

/** Fetches what is missing after `after` (a guest rejoining, or a seq that jumped): no gaps, ever. */
async function fillGap(conv, after = conv.maxSeq) {
  if (!after) return;
  let from = after;
  for (;;) {
    const answer = await connection.request({ type: 'history', room: conv.key, after: from, limit: 500 });
    if (answer.type !== 'history' || !answer.messages?.length) return;
    const added = conv.addMessages(answer.messages);
    changed(conv, added);
    if (answer.messages.length < 500) return;
    from = answer.messages[answer.messages.length - 1].seq;
  }
}

async function loadOlder(conv) {
  if (conv.loadingOlder || !conv.hasOlder || !connection.online) return;
  conv.loadingOlder = true;
  ui.historyStatus.textContent = 'Loading older messages…';
  const answer = await connection.request({ type: 'history', room: conv.key, before: conv.minSeq, limit: HISTORY_PAGE });
  conv.loadingOlder = false;
  if (answer.type === 'history') conv.addMessages(answer.messages ?? []);
  if (conv.key === state.active) renderMessages({ keepAnchor: true });
}

// ---------------------------------------------------------------- sending

function nextSendId() {
  state.sendCounter += 1;
  return `web-${state.sendPrefix}-${state.sendCounter}`;
}

function sendText(text) {
  const conv = state.convs.get(state.active);
  if (!conv) return;
  const pending = { id: nextSendId(), key: conv.key, text, from: state.me, state: 'pending' };
  if (conv.direct) pending.to = conv.peer;
  else pending.room = conv.name;
  state.pending.set(pending.id, pending);
  transmit(pending);
  renderPendingList();
  scrollToBottom();
}

/** Shares an uploaded file in the conversation it was uploaded for (the user may have moved on since). */
function sendFile(target, file) {
  const pending = { id: nextSendId(), key: target.key, text: '', file, from: state.me, state: 'pending' };
  if (target.to) pending.to = target.to;
  else pending.room = target.room;
  state.pending.set(pending.id, pending);
  transmit(pending);
  renderPendingList();
}

function transmit(pending) {
  const frame = { type: 'send', id: pending.id };
  if (pending.text) frame.text = pending.text;
  if (pending.file) frame.file = { id: pending.file.id };
  if (pending.to) frame.to = pending.to;
  else frame.room = pending.room;
  connection.send(frame); // offline: it stays pending and goes out again after the next welcome
}

function onSendOk(ok) {
  const pending = state.pending.get(ok.re);
  if (!pending) return;
  state.pending.delete(ok.re);
  let conv = state.convs.get(keyOf(ok.room ?? pending.key));
  if (!conv) conv = rekey(pending.key, keyOf(ok.room));
  if (conv && typeof ok.seq === 'number') {
    const added = conv.addMessages([{ seq: ok.seq, id: ok.msg, from: state.me, to: pending.to, text: pending.text, file: pending.file, ts: new Date().toISOString() }]);
    changed(conv, added);
  }
  renderPendingList();
}

function onError(e) {
  const pending = state.pending.get(e.re);
  if (pending) {
    pending.state = 'failed';
    pending.echoed = false;
    pending.error = e.message || e.code;
    renderPendingList();
    return;
  }
  if (e.message) notice(state.active, `Error: ${e.message}`);
}

const pendingHandlers = {
  retry(pending) {
    pending.state = 'pending';
    transmit(pending);
    renderPendingList();
  },
  discard(pending) {
    state.pending.delete(pending.id);
    renderPendingList();
  },
};

// ---------------------------------------------------------------- commands and actions

const HELP = '/join room · /leave [room] · /topic text · /msg name text · /help — start a line with // to send a slash. '
  + 'Share files with the paperclip button or by dropping them on the conversation.';

function submitInput() {
  const raw = ui.input.value;
  if (!raw.trim()) return;
  ui.input.value = '';
  autosize();
  state.drafts.delete(state.active);
  if (raw.startsWith('//')) {
    sendText(raw.slice(1));
    return;
  }
  if (!raw.startsWith('/')) {
    sendText(raw);
    return;
  }
  const [, command, rest = ''] = raw.match(/^\/(\S+)\s*([\s\S]*)$/) ?? [];
  switch ((command ?? '').toLowerCase()) {
    case 'join': case 'j': joinRoom(rest.trim()); break;
    case 'leave': case 'part': leaveConv(rest.trim() ? keyOf(rest.trim()) : state.active); break;
    case 'topic': setTopic(rest.trim()); break;
    case 'msg': case 'query': {
      const [, who, text] = rest.match(/^(\S+)\s*([\s\S]*)$/) ?? [];
      if (!who) { notice(state.active, 'Usage: /msg name text'); break; }
      openDirect(who).then(() => { if (text.trim()) sendText(text); });
      break;
    }
    case 'help': notice(state.active, canModerate(state.convs.get(state.active)) ? `${HELP} ${MOD_HELP}` : HELP); break;
    case 'kick': case 'ban': case 'unban': case 'mute': case 'unmute': case 'op': case 'deop':
    case 'gkick': case 'gban': case 'gunban':
      moderate(command.toLowerCase(), rest.trim());
      break;
    case 'lock': case 'unlock': lockTopic(command.toLowerCase() === 'lock'); break;
    case 'delete': case 'del': deleteLatest(rest.trim()); break;
    default: notice(state.active, `Unknown command /${command}. ${HELP}`);
  }
}

const MOD_HELP = 'Moderation: /kick name [reason] · /ban name [30m|2h|7d] [reason] · /unban name · /mute name [duration] [reason] · '
  + '/unmute name · /op name · /deop name · /lock · /unlock · /delete [name] (latest message; yours without a name). '
  + 'Admins: /gkick name · /gban name|address [duration] [reason] · /gunban name|address.';

/** Admins everywhere; a room's owner and moderators in that room. */
function canModerate(conv) {
  if (state.admin) return true;
  if (!conv || conv.direct || !state.me) return false;
  return sameName(conv.owner, state.me) || conv.moderators.includes(keyOf(state.me));
}

const DURATION = /^(\d{1,9})([smhdw]?)$/i;
const UNIT_SECONDS = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const IP_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;

/** /kick, /ban, /mute … in the current room; /gkick, /gban, /gunban server-wide (an IP address means an address ban). */
async function moderate(command, args) {
  const serverWide = command.startsWith('g');
  const type = serverWide ? command.slice(1) : command;
  const [, target, more = ''] = args.match(/^@?(\S+)\s*([\s\S]*)$/) ?? [];
  if (!target) {
    notice(state.active, `Usage: /${command} name${type === 'ban' || type === 'mute' ? ' [duration] [reason]' : ''}`);
    return;
  }
  const conv = state.convs.get(state.active);
  if (!serverWide && (!conv || conv.direct)) {
    notice(state.active, `/${command} works in a room.`);
    return;
  }
  const frame = { type };
  if (!serverWide) frame.room = conv.name;
  if (serverWide && IP_ADDRESS.test(target)) frame.address = target; else frame.user = target;
  let reason = more.trim();
  const [first = '', after = ''] = reason.split(/\s+(.*)/s);
  const duration = (type === 'ban' || type === 'mute') ? first.match(DURATION) : null;
  if (duration) {
    frame.duration = Number(duration[1]) * UNIT_SECONDS[duration[2].toLowerCase()];
    reason = after.trim();
  }
  if (reason && ['kick', 'ban', 'mute'].includes(type)) frame.reason = reason;
  const answer = await connection.request(frame);
  notice(state.active, answer.type === 'ok' ? `${type} ${target}: done${answer.until ? ` (until ${new Date(answer.until).toLocaleString()})` : ''}`
    : `Could not ${type} ${target}: ${answer.message ?? answer.code}`);
}

async function lockTopic(locked) {
  const conv = state.convs.get(state.active);
  if (!conv || conv.direct) {
    notice(state.active, 'Private conversations have no topic.');
    return;
  }
  const answer = await connection.request({ type: 'topic', room: conv.name, lock: locked });
  if (answer.type !== 'ok') notice(conv.key, `Could not ${locked ? 'lock' : 'unlock'} the topic: ${answer.message ?? answer.code}`);
}

/** /delete: the latest standing message of yours (or of `name`) in the current conversation. */
async function deleteLatest(name) {
  const conv = state.convs.get(state.active);
  const target = conv?.latestFrom(name ? name.replace(/^@/, '') : state.me);
  if (!target) {
    notice(state.active, name ? `No message from ${name} to delete here.` : 'No message of yours to delete here.');
    return;
  }
  const answer = await connection.request({ type: 'delete', room: conv.direct ? undefined : conv.name, msg: target.id });
  if (answer.type !== 'ok') notice(conv.key, `Could not delete: ${answer.message ?? answer.code}`);
}

async function joinRoom(name) {
  const room = name.replace(/^#/, '');
  if (!ROOM_NAME.test(room)) {
    notice(state.active, 'Room names are 1 to 64 letters, digits, “-”, “_” or “.”.');
    return;
  }
  const existing = state.convs.get(keyOf(room));
  if (existing && !existing.direct) {
    activate(existing.key);
    return;
  }
  const answer = await connection.request({ type: 'join', room });
  if (answer.type === 'ok') {
    ensureConv(keyOf(answer.room ?? room), answer.room ?? room);
    activate(keyOf(answer.room ?? room));
  } else {
    notice(state.active, `Could not join ${room}: ${answer.message ?? answer.code}`);
  }
}

async function leaveConv(key) {
  const conv = state.convs.get(key);
  if (!conv) {
    notice(state.active, `You are not in ${key}.`);
    return;
  }
  if (conv.direct) {
    removeConv(key);
    renderAll();
    return;
  }
  const answer = await connection.request({ type: 'leave', room: conv.name });
  if (answer.type === 'ok' || answer.code === 'not_in_room') {
    removeConv(key);
    renderAll();
  } else {
    notice(state.active, `Could not leave ${conv.name}: ${answer.message ?? answer.code}`);
  }
}

async function setTopic(topic) {
  const conv = state.convs.get(state.active);
  if (!conv || conv.direct) {
    notice(state.active, 'Private conversations have no topic.');
    return;
  }
  const answer = await connection.request({ type: 'topic', room: conv.name, topic });
  if (answer.type !== 'ok') {
    const text = answer.code === 'forbidden' ? `The topic is locked: only the room's owner${conv.owner ? ` (${conv.owner})` : ''} and moderators can set it.` : answer.message ?? answer.code;
    notice(conv.key, text);
  }
}

/** Opens (or starts) the private conversation with `who`. */
async function openDirect(who) {
  if (isMine(who)) {
    notice(state.active, 'That is you.');
    return;
  }
  const existing = [...state.convs.values()].find((c) => c.direct && sameName(c.peer, who));
  if (existing) {
    activate(existing.key);
    return;
  }
  // The id depends on whether the peer is a guest ('~'); guess an account and correct it from the server's answer.
  const guess = `@${[state.myKey, keyOf(who)].sort().join(',')}`;
  const conv = ensureConv(guess, `@${who}`);
  conv.peer = who;
  conv.loaded = true;
  activate(conv.key);
  const answer = await connection.request({ type: 'history', with: who, limit: HISTORY_PAGE });
  if (answer.type === 'history') {
    const real = rekey(conv.key, keyOf(answer.room ?? conv.key)) ?? conv;
    changed(real, real.addMessages(answer.messages ?? []));
  } else if (answer.code === 'no_such_user') {
    notice(conv.key, `There is no user called ${who}.`);
  }
}

// ---------------------------------------------------------------- conversations

function ensureConv(key, name) {
  let conv = state.convs.get(key);
  if (!conv) {
    conv = new Conversation(key, name ?? key);
    if (conv.direct) {
      conv.peer = peerFromKey(key, state.myKey);
      conv.name = `@${conv.peer}`;
    }
    state.convs.set(key, conv);
  }
  return conv;
}

/** The conversation a message or history frame belongs to; private ones are created on first sight. */
function convFor(room, sample) {
  const key = keyOf(room ?? 'lobby');
  let conv = state.convs.get(key);
  if (conv) return conv;
  if (!isDirect(key)) return ensureConv(key, room);
  const peer = peerOf(sample, state.me) ?? peerFromKey(key, state.myKey);
  // A conversation opened by /msg under a guessed id: move it to the real one.
  const draft = [...state.convs.values()].find((c) => c.direct && sameName(c.peer, peer));
  conv = draft ? rekey(draft.key, key) : ensureConv(key);
  conv.peer = peer;
  conv.name = `@${peer}`;
  return conv;
}

function rekey(oldKey, newKey) {
  const conv = state.convs.get(oldKey);
  if (!conv || oldKey === newKey) return conv ?? state.convs.get(newKey);
  state.convs.delete(oldKey);
  const target = state.convs.get(newKey);
  const result = target ?? conv;
  if (!target) {
    conv.key = newKey;
    state.convs.set(newKey, conv);
  }
  for (const p of state.pending.values()) if (p.key === oldKey) p.key = newKey;
  if (state.active === oldKey) {
    state.active = newKey;
    state.rendered.key = null;
  }
  renderAll();
  return result;
}

function removeConv(key) {
  state.convs.delete(key);
  for (const [id, p] of state.pending) if (p.key === key) state.pending.delete(id);
  if (state.active === key) state.active = state.convs.has('lobby') ? 'lobby' : firstConvKey();
}

function firstConvKey() {
  return state.convs.keys().next().value ?? null;
}

function activate(key) {
  if (!state.convs.has(key)) return;
  if (state.active !== key) {
    state.drafts.set(state.active, ui.input.value);
    ui.input.value = state.drafts.get(key) ?? '';
    autosize();
  }
  state.active = key;
  state.convs.get(key).unread = 0;
  setDrawer(null);
  renderAll();
  if (!isNarrow()) ui.input.focus();
}

/** A local line (help, errors) in a conversation; not sent anywhere. */
function notice(key, text) {
  const conv = state.convs.get(key) ?? state.convs.get(state.active);
  if (!conv) return;
  const item = conv.addSystem(text);
  item.local = true;
  changed(conv, [item]);
}

const sameName = (a, b) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
const isMine = (name) => state.me !== null && sameName(name, state.me);

// ---------------------------------------------------------------- rendering

function changed(conv, added) {
  if (conv.key === state.active) renderMessages({ added });
  renderSidebar();
  renderHeader();
  renderPeople();
}

function renderAll() {
  renderSidebar();
  renderHeader();
  renderPeople();
  renderMessages({});
  renderPendingList();
}

function renderSidebar() {
  const rooms = [];
  const directs = [];
  let unread = 0;
  for (const conv of state.convs.values()) {
    (conv.direct ? directs : rooms).push(conv);
    unread += conv.unread;
  }
  rooms.sort((a, b) => (a.key === 'lobby' ? -1 : b.key === 'lobby' ? 1 : a.name.localeCompare(b.name)));
  directs.sort((a, b) => a.name.localeCompare(b.name));
  ui.roomList.replaceChildren(...rooms.map(convButton));
  ui.directList.replaceChildren(...directs.map(convButton));
  ui.directEmpty.hidden = directs.length > 0;
  ui.toggleUnread.hidden = unread === 0;
  ui.toggleUnread.textContent = String(unread);
  document.title = unread > 0 ? `(${unread}) Piazza` : 'Piazza';
}

function convButton(conv) {
  const li = el('li');
  const button = el('button', 'conv-btn');
  button.type = 'button';
  button.dataset.key = conv.key;
  if (conv.key === state.active) button.setAttribute('aria-current', 'page');
  if (conv.unread > 0) button.classList.add('has-unread');
  if (conv.direct) button.append(avatar(conv.peer ?? '?', 'avatar tiny'));
  else button.append(el('span', 'hash', '#'));
  button.append(el('span', 'conv-name', conv.direct ? conv.peer : conv.name));
  if (conv.unread > 0) {
    const badge = el('span', 'badge unread', String(conv.unread));
    badge.setAttribute('aria-label', `${conv.unread} unread`);
    button.append(badge);
  }
  button.addEventListener('click', () => activate(conv.key));
  li.append(button);
  return li;
}

function renderHeader() {
  const conv = state.convs.get(state.active);
  ui.convTitle.textContent = conv ? (conv.direct ? `@${conv.peer}` : `#${conv.name}`) : '';
  ui.convTopic.textContent = conv ? (conv.direct ? 'Private conversation' : conv.topic || 'No topic set') : '';
  ui.convTopic.classList.toggle('empty', !conv || (!conv.direct && !conv.topic));
  ui.leave.hidden = !conv;
  ui.leave.textContent = conv?.direct ? 'Close' : 'Leave';
  ui.leave.setAttribute('aria-label', conv ? (conv.direct ? `Close conversation with ${conv.peer}` : `Leave ${conv.name}`) : 'Leave');
  ui.editTopic.hidden = !conv || conv.direct || !isMine(conv.owner);
  ui.input.placeholder = conv ? `Message ${conv.direct ? `@${conv.peer}` : `#${conv.name}`}` : 'Message';
}

function renderPeople() {
  const conv = state.convs.get(state.active);
  let users = [];
  if (conv && conv.direct) users = [{ user: state.me }, { user: conv.peer }];
  else if (conv) users = [...conv.users];
  users.sort((a, b) => a.user.localeCompare(b.user));
  ui.peopleTotal.textContent = String(users.length);
  ui.peopleCount.textContent = String(users.length);
  ui.peopleList.replaceChildren(...users.map((u) => {
    const li = el('li');
    const me = isMine(u.user);
    const button = el('button', 'person');
    button.type = 'button';
    button.append(avatar(u.user, 'avatar small'), el('span', 'person-name', u.user));
    if (me) button.append(el('span', 'msg-you', 'you'));
    if (conv && !conv.direct && sameName(u.user, conv.owner)) button.append(el('span', 'owner', 'owner'));
    const dot = el('span', 'presence');
    dot.setAttribute('aria-label', 'online');
    button.prepend(dot);
    if (me) {
      button.disabled = true;
    } else {
      button.title = `Message ${u.user} privately`;
      button.setAttribute('aria-label', `${u.user}, online: send a private message`);
      button.addEventListener('click', () => openDirect(u.user));
    }
    li.append(button);
    return li;
  }));
}

const atBottom = () => ui.scroller.scrollHeight - ui.scroller.scrollTop - ui.scroller.clientHeight < STICK_PX;

function scrollToBottom() {
  ui.scroller.scrollTop = ui.scroller.scrollHeight;
  state.unseenBelow = 0;
  ui.newMessages.hidden = true;
}

/**
 * Renders the active conversation: appends when only new items arrived at the end (the reader's view stays put
 * unless they were at the bottom), otherwise rebuilds, keeping what the reader sees in place.
 */
function renderMessages({ added, keepAnchor }) {
  const conv = state.convs.get(state.active);
  if (!conv) {
    ui.messages.replaceChildren();
    return;
  }
  const r = state.rendered;
  const switched = r.key !== conv.key;
  const follow = switched || atBottom();
  const appendable = !switched && !keepAnchor && r.version === conv.version && r.count <= conv.items.length;
  if (!switched && added && added.length === 0 && !keepAnchor) return;
  const oldHeight = ui.scroller.scrollHeight;
  const oldTop = ui.scroller.scrollTop;
  if (appendable) {
    ui.messages.append(...renderItems(conv.items, r.count, state.me, renderFile));
  } else {
    ui.messages.replaceChildren(...renderItems(conv.items, 0, state.me, renderFile));
  }
  state.rendered = { key: conv.key, count: conv.items.length, version: conv.version };
  updateHistoryStatus(conv);
  if (follow || (added && added.some((a) => a.kind === 'msg' && isMine(a.from)) && !keepAnchor)) {
    scrollToBottom();
  } else if (keepAnchor || (added && added.appendOnly === false)) {
    ui.scroller.scrollTop = oldTop + (ui.scroller.scrollHeight - oldHeight);
  } else if (added) {
    state.unseenBelow += added.filter((a) => a.kind === 'msg').length;
    if (state.unseenBelow > 0) {
      ui.newMessages.textContent = `${state.unseenBelow} new message${state.unseenBelow === 1 ? '' : 's'} ↓`;
      ui.newMessages.hidden = false;
    }
  }
  if (switched) {
    state.unseenBelow = 0;
    ui.newMessages.hidden = true;
    renderPendingList();
  }
  maybeLoadOlder(conv);
}

function updateHistoryStatus(conv) {
  if (conv.loadingOlder) ui.historyStatus.textContent = 'Loading older messages…';
  else if (conv.loaded && !conv.hasOlder && conv.items.some((i) => i.kind === 'msg')) ui.historyStatus.textContent = 'This is the beginning of the conversation.';
  else if (conv.loaded && conv.items.length === 0) ui.historyStatus.textContent = 'No messages yet. Say hello!';
  else ui.historyStatus.textContent = '';
}

/** Loads older history when the reader is near the top, or when the messages do not fill the view yet. */
function maybeLoadOlder(conv) {
  if (conv.loadingOlder || !conv.hasOlder) return;
  if (ui.scroller.scrollTop < LOAD_OLDER_PX || ui.scroller.scrollHeight <= ui.scroller.clientHeight) loadOlder(conv);
}

function renderPendingList() {
  const visible = [...state.pending.values()].filter((p) => p.key === state.active && !p.echoed);
  const follow = atBottom();
  ui.pending.replaceChildren(...visible.map((p) => renderPending(p, pendingHandlers)));
  if (follow) scrollToBottom();
}

let statusDetail = null;
function showStatus(kind, detail, message) {
  ui.status.dataset.state = kind;
  statusDetail = message ?? null;
  const text = {
    connecting: 'Connecting…',
    online: 'Connected',
    offline: `Offline — retrying in ${detail ?? 1} s`,
    stopped: 'Disconnected',
  }[kind];
  ui.statusText.textContent = statusDetail ? `${statusDetail} — ${text}` : text;
  ui.status.title = kind === 'offline' ? 'Click to retry now' : '';
  ui.composer.classList.toggle('offline', kind !== 'online');
}

// ---------------------------------------------------------------- files

/** Uploads each file and shares it in the active conversation; guests are told why they cannot. */
function uploadFiles(files) {
  const conv = state.convs.get(state.active);
  if (!conv || files.length === 0) return;
  if (!state.registered || !state.credentials?.token) {
    notice(conv.key, 'Guests cannot share files: log in or register an account.');
    return;
  }
  const target = conv.direct ? { key: conv.key, to: conv.peer } : { key: conv.key, room: conv.name };
  for (const file of files) {
    const upload = { file, target, sent: 0, phase: 'hashing', note: '', error: null };
    upload.handle = startUpload(file, {
      onProgress(sent, total, phase) {
        upload.sent = sent;
        upload.phase = phase;
        upload.note = '';
        updateUpload(upload);
      },
      onRetry(text) {
        upload.note = text;
        updateUpload(upload);
      },
    });
    state.uploads.push(upload);
    upload.handle.done.then((fileId) => {
      removeUpload(upload);
      sendFile(target, { id: fileId, name: file.name, size: file.size, mime: file.type });
    }, (error) => {
      if (error.cancelled) {
        removeUpload(upload);
        notice(target.key, `Upload of ${file.name} cancelled.`);
        return;
      }
      upload.error = error.message;
      updateUpload(upload);
    });
  }
  renderUploads();
}

function removeUpload(upload) {
  state.uploads = state.uploads.filter((u) => u !== upload);
  renderUploads();
}

/** The uploads above the composer, each with its progress bar and Cancel (or, after a failure, Dismiss). */
function renderUploads() {
  ui.uploads.replaceChildren(...state.uploads.map((upload) => {
    const li = el('li', 'upload');
    const name = el('span', 'upload-name', upload.file.name);
    const size = el('span', 'upload-size', formatSize(upload.file.size));
    const bar = el('progress', 'upload-bar');
    bar.max = Math.max(upload.file.size, 1);
    bar.setAttribute('aria-label', `Uploading ${upload.file.name}`);
    const status = el('span', 'upload-status');
    const button = el('button', 'btn small ghost', upload.error ? 'Dismiss' : 'Cancel');
    button.type = 'button';
    button.addEventListener('click', () => (upload.error ? removeUpload(upload) : upload.handle.cancel()));
    li.append(name, size, bar, status, button);
    upload.view = { li, bar, status };
    paintUpload(upload);
    return li;
  }));
  ui.uploads.hidden = state.uploads.length === 0;
}

function updateUpload(upload) {
  if (upload.view) paintUpload(upload);
}

function paintUpload(upload) {
  const { li, bar, status } = upload.view;
  const total = Math.max(upload.file.size, 1);
  const percent = Math.floor((Math.min(upload.sent, total) / total) * 100);
  li.dataset.phase = upload.error ? 'failed' : upload.phase;
  bar.value = upload.phase === 'sending' ? upload.sent : 0;
  if (upload.phase === 'hashing' && !upload.error) bar.removeAttribute('value'); // indeterminate while reading
  status.textContent = upload.error ? `Failed: ${upload.error}`
    : upload.note ? upload.note
      : upload.phase === 'hashing' ? `Preparing… ${percent}%` : `${percent}%`;
}

// ---------------------------------------------------------------- layout helpers

const narrowQuery = window.matchMedia('(max-width: 759px)');
const isNarrow = () => narrowQuery.matches;

function setDrawer(which) {
  document.body.classList.toggle('sidebar-open', which === 'sidebar');
  document.body.classList.toggle('people-open', which === 'people');
  ui.toggleSidebar.setAttribute('aria-expanded', String(which === 'sidebar'));
  ui.togglePeople.setAttribute('aria-expanded', String(which === 'people'));
  ui.scrim.hidden = which === null;
}

function autosize() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 180)}px`;
}

// ---------------------------------------------------------------- wiring

ui.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  loginWith('login');
});
$('login-register').addEventListener('click', () => loginWith('register'));
$('login-guest').addEventListener('click', () => loginWith('guest'));
ui.logout.addEventListener('click', logout);
ui.toggleSidebar.addEventListener('click', () => setDrawer(document.body.classList.contains('sidebar-open') ? null : 'sidebar'));
ui.togglePeople.addEventListener('click', () => setDrawer(document.body.classList.contains('people-open') ? null : 'people'));
ui.scrim.addEventListener('click', () => setDrawer(null));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') setDrawer(null);
});
ui.status.addEventListener('click', () => connection.retryNow());
window.addEventListener('online', () => connection.retryNow());

ui.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = ui.joinRoom.value.trim();
  if (!room) return;
  ui.joinRoom.value = '';
  joinRoom(room);
});
ui.leave.addEventListener('click', () => leaveConv(state.active));
ui.editTopic.addEventListener('click', () => {
  const conv = state.convs.get(state.active);
  ui.input.value = `/topic ${conv?.topic ?? ''}`;
  autosize();
  ui.input.focus();
});
ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  submitInput();
  ui.input.focus();
});
ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submitInput();
  }
});
ui.input.addEventListener('input', autosize);
ui.attach.addEventListener('click', () => ui.fileInput.click());
ui.fileInput.addEventListener('change', () => {
  uploadFiles([...ui.fileInput.files]);
  ui.fileInput.value = '';
});
// Drag and drop onto the conversation: only drags that carry files are taken.
const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
ui.conversation.addEventListener('dragover', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  ui.conversation.classList.add('drop-target');
});
ui.conversation.addEventListener('dragleave', (event) => {
  if (!ui.conversation.contains(event.relatedTarget)) ui.conversation.classList.remove('drop-target');
});
ui.conversation.addEventListener('drop', (event) => {
  ui.conversation.classList.remove('drop-target');
  if (!carriesFiles(event)) return;
  event.preventDefault();
  uploadFiles([...event.dataTransfer.files]);
});
ui.scroller.addEventListener('scroll', () => {
  const conv = state.convs.get(state.active);
  if (atBottom()) {
    state.unseenBelow = 0;
    ui.newMessages.hidden = true;
  }
  if (conv) maybeLoadOlder(conv);
}, { passive: true });
ui.newMessages.addEventListener('click', scrollToBottom);
document.addEventListener('visibilitychange', () => {
  const conv = state.convs.get(state.active);
  if (!document.hidden && conv && conv.unread) {
    conv.unread = 0;
    renderSidebar();
  }
});

const token = localStorage.getItem(TOKEN_KEY);
if (token) {
  ui.chatView.hidden = false;
  startSession({ token });
} else {
  showLogin();
}
