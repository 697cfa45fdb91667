// How each server frame changes the model (model.js): messages, history, presence, topics, moderation and the
// answers to sends. Pure: the DOM and the connection are never touched, effects are returned instead.
import { keyOf } from './conversation.js';
import { HELD_REASONS } from './presence.js';
import { onAway, onTyping, stopTyping } from './away.js';
import { onInvited, onRoomSet, dropInvitation } from './private-rooms.js';
import { applyCounts, onRead } from './model-reading.js';
import { addUser, removeUser, summarise, takeFirstPage } from './people-pages.js';
import { onEdited } from './edit.js';
import { onReaction } from './reactions.js';
import { onPin, takePinned } from './pins.js';
import { onRetention, takeRetention } from './retention.js';

const LEAVE_TEXT = {
  quit: 'left', left: 'left the room', lost: 'lost the connection', timeout: 'timed out',
  kicked: 'was removed', slow_consumer: 'fell behind and was disconnected', banned: 'was banned',
  flooding: 'was disconnected for flooding', session_revoked: 'was signed out',
};

/** Applies one frame to `model`; returns the effects for the app to carry out. */
export function receiveFrame(model, f) {
  const effects = [];
  switch (f.type) {
    case 'message': onMessage(model, f, effects); break;
    case 'history': onHistory(model, f, effects); break;
    case 'room': onRoom(model, f); break;
    case 'topic': onTopic(model, f); break;
    case 'joined': onJoined(model, f); break;
    case 'left': onLeft(model, f, effects); break;
    case 'presence': onPresence(model, f); break;
    case 'ok': onSendOk(model, f); break;
    case 'error': onError(model, f); break;
    case 'shutdown': model.status = { kind: 'offline', detail: null, message: f.message || 'The server is restarting' }; break;
    case 'deleted': onDeleted(model, f); break;
    case 'edited': onEdited(model, f); break;
    case 'kicked': case 'banned': onRemoved(model, f, effects); break;
    case 'muted': case 'unmuted': onMuted(model, f); break;
    case 'role': onRole(model, f); break;
    case 'away': onAway(model, f); break;
    case 'typing': onTyping(model, f); break;
    case 'invited': onInvited(model, f); break;
    case 'room_set': onRoomSet(model, f); break;
    case 'retention': onRetention(model, f); break;
    case 'read': onRead(model, f); break;
    case 'reaction': onReaction(model, f); break;
    case 'pinned': case 'unpinned': onPin(model, f); break;
    default: break;
  }
  return effects;
}

function onMessage(model, m, effects) {
  const conv = model.convFor(m.room, m);
  const before = conv.maxSeq;
  const added = conv.addMessages([m]);
  stopTyping(conv, m.from);
  if (added.length === 0) return;
  if (before > 0 && m.seq > before + 1) effects.push({ kind: 'fillGap', key: conv.key, after: before });
  // The echo of our own send may come before its ok: stop showing it as pending.
  if (model.isMine(m.from)) {
    for (const p of model.pending.values()) {
      if (p.key === conv.key && (p.text ?? '') === (m.text ?? '') && p.file?.id === m.file?.id && p.state === 'pending' && !p.echoed) {
        p.echoed = true;
        break;
      }
    }
  }
  model.countUnread(conv, added);
  conv.loaded = true;
}

function onHistory(model, h, effects) {
  const conv = model.convFor(h.room, h.messages?.[0]);
  const before = conv.maxSeq;
  const added = conv.addMessages(h.messages ?? []);
  const first = added.length > 0 ? added[0].seq : 0;
  if (before > 0 && first > before + 1) effects.push({ kind: 'fillGap', key: conv.key, after: before });
  // A login's first history is the past; anything after that (a resume, a new private conversation) is news,
  // unless the server's counts (a join's room frame) already hold it.
  if (conv.historyCounted) {
    conv.historyCounted = false;
    if (added.length > 0) conv.countedTo = Math.max(conv.countedTo, added.at(-1).seq);
  } else if (conv.loaded || model.synced) model.countUnread(conv, added);
  conv.loaded = true;
}

function onRoom(model, r) {
  const conv = model.ensureConv(keyOf(r.room), r.room);
  conv.name = r.room;
  conv.topic = r.topic ?? '';
  conv.owner = r.owner ?? null;
  takeFirstPage(conv, r);
  conv.moderators = Array.isArray(r.moderators) ? r.moderators : [];
  conv.locked = r.locked !== false;
  conv.private = r.private === true;
  conv.joined = true;
  dropInvitation(model, r.room);
  applyCounts(conv, r);
  takePinned(conv, r);
  takeRetention(conv, r);
}

function onTopic(model, t) {
  const conv = model.conv(keyOf(t.room));
  if (!conv) return;
  conv.topic = t.topic ?? '';
  conv.addSystem(conv.topic ? `${t.by} set the topic: ${conv.topic}` : `${t.by} cleared the topic`, t.ts);
}

function onJoined(model, j) {
  const conv = model.conv(keyOf(j.room));
  if (!conv) return;
  addUser(conv, { user: j.user, since: j.ts, guest: j.guest, bot: j.bot });
  // Back within the grace period of a lost connection (a reload): neither the leave nor this join is news.
  if (model.leaveHolds.undo(conv.key, j.user)) return;
  conv.addSystem(`${j.user} joined`, j.ts);
}

function onLeft(model, l, effects) {
  const key = keyOf(l.room);
  if (model.isMine(l.user)) {
    if (model.ended) return;
    if ((l.reason === 'kicked' || l.reason === 'banned') && l.by) {
      // A room moderator removed us from this room only.
      model.dropConv(key);
      model.addNotice(model.active, `You were ${l.reason} from ${l.room} by ${l.by}${l.message ? `: ${l.message}` : ''}`);
      return;
    }
    if (l.reason === 'kicked') {
      end(model, effects, `Removed by the operator${l.message ? `: ${l.message}` : ''}`);
      return;
    }
    if (l.reason === 'left') model.dropConv(key); // left on another device
    return;
  }
  const conv = model.conv(key);
  if (!conv) return;
  removeUser(conv, l.user);
  const why = `${LEAVE_TEXT[l.reason] ?? 'left'}${l.scope === 'server' ? ' from the server' : ''}${l.by ? ` by ${l.by}` : ''}`;
  const text = `${l.user} ${why}${l.message ? ` (${l.message})` : ''}`;
  if (HELD_REASONS.has(l.reason)) model.leaveHolds.hold(conv, l.user, text, l.ts);
  else conv.addSystem(text, l.ts);
}

/**
 * Several joins and leaves at once (a busy room): the list changes as a set (left first, then joined; ourselves and
 * names already known are no news) and the lines are summarised; a lone quit or lost leave is held like a `left`.
 */
function onPresence(model, p) {
  const conv = model.conv(keyOf(p.room));
  if (!conv) return;
  if ((p.joinedTotal ?? 0) > (p.joined?.length ?? 0) || (p.leftTotal ?? 0) > (p.left?.length ?? 0)) conv.usersPartial = true;
  const gone = [];
  for (const l of p.left ?? []) {
    if (model.isMine(l.user) || !removeUser(conv, l.user)) continue;
    gone.push(l);
  }
  const came = [];
  for (const j of p.joined ?? []) {
    if (!addUser(conv, j) || model.isMine(j.user)) continue;
    if (!model.leaveHolds.undo(conv.key, j.user)) came.push(j.user);
  }
  // In a storm the server names at most 50 of each and gives the totals and the room's count.
  if (Number.isInteger(p.count)) conv.userCount = p.count;
  const leftUnnamed = Math.max(0, (p.leftTotal ?? 0) - (p.left?.length ?? 0));
  if (gone.length === 1 && leftUnnamed === 0) {
    onLeftLine(conv, model, gone[0], p.ts);
  } else {
    const leftLine = summarise(gone.map((l) => l.user), 'left', leftUnnamed);
    if (leftLine) conv.addSystem(leftLine, p.ts);
  }
  const joinedLine = summarise(came, 'joined', Math.max(0, (p.joinedTotal ?? 0) - (p.joined?.length ?? 0)));
  if (joinedLine) conv.addSystem(joinedLine, p.ts);
}

function onLeftLine(conv, model, l, ts) {
  const text = `${l.user} ${LEAVE_TEXT[l.reason] ?? 'left'}${l.message ? ` (${l.message})` : ''}`;
  if (HELD_REASONS.has(l.reason)) model.leaveHolds.hold(conv, l.user, text, ts);
  else conv.addSystem(text, ts);
}

/** The server removed us: the connection ends and must not reconnect on its own. */
function end(model, effects, text) {
  model.ended = true;
  effects.push({ kind: 'stop', text });
}

/** The ok of a send: the message takes its seq and place; a private conversation may move to its real id. */
function onSendOk(model, ok) {
  const pending = model.pending.get(ok.re);
  if (!pending) return;
  model.pending.delete(ok.re);
  const conv = model.conv(keyOf(ok.room ?? pending.key)) ?? model.rekey(pending.key, keyOf(ok.room));
  if (conv && typeof ok.seq === 'number') {
    conv.addMessages([{ seq: ok.seq, id: ok.msg, from: model.me, to: pending.to, text: pending.text, file: pending.file, reply: pending.reply, ts: model.now().toISOString() }]);
  }
}

function onError(model, e) {
  const pending = model.pending.get(e.re);
  if (pending) {
    pending.state = 'failed';
    pending.echoed = false;
    pending.error = e.message || e.code;
    return;
  }
  if (e.message) model.addNotice(model.active, `Error: ${e.message}`);
}

const reasonOf = (f) => (f.reason ? `: ${f.reason}` : '');
const untilOf = (f) => (f.until ? ` until ${new Date(f.until).toLocaleString()}` : '');

/** A deleted message keeps its place and loses its text; one not held yet is remembered for when it comes. */
function onDeleted(model, f) {
  if (f.room) model.conv(keyOf(f.room))?.markDeleted(f.seq, f.by);
}

function onRemoved(model, f, effects) {
  if (!f.room) {
    end(model, effects, `${f.type === 'kicked' ? 'Disconnected' : 'Banned'} by ${f.by}${untilOf(f)}${reasonOf(f)}`);
    return;
  }
  model.addNotice(model.active, `You were banned from ${f.room} by ${f.by}${untilOf(f)}${reasonOf(f)}`);
}

function onMuted(model, f) {
  const conv = f.room ? model.conv(keyOf(f.room)) : null;
  if (!conv) return;
  const who = model.isMine(f.user) ? 'You were' : `${f.user} was`;
  conv.addSystem(`${who} ${f.type} by ${f.by}${f.type === 'muted' ? untilOf(f) : ''}${reasonOf(f)}`, f.ts);
}

function onRole(model, f) {
  const conv = f.room ? model.conv(keyOf(f.room)) : null;
  if (!conv) return;
  const key = keyOf(f.user);
  conv.moderators = conv.moderators.filter((m) => m !== key);
  if (f.role === 'moderator') conv.moderators.push(key);
  const made = f.role === 'moderator';
  conv.addSystem(`${f.by} ${made ? 'made' : 'removed'} ${f.user} ${made ? 'a moderator' : 'as moderator'}`, f.ts);
}
