// Mentions, read state on every device and mute in the web client's state (model-reading.js, notifications.js,
// settings.js): counts from the server, counts that follow what arrives and what is seen, the `read` frames owed.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { welcome, signedIn, newModel, message, history } from './frames.mjs';
import { notificationFor, tabTitle } from '../../src/Piazza.Server/wwwroot/notifications.js';
import { readMuted, writeMuted, mutedKey } from '../../src/Piazza.Server/wwwroot/settings.js';

const counts = (conv) => ({ read: conv.readSeq, unread: conv.unread, mentions: conv.mentions });
const mention = (seq, from, text, room, who = ['alice']) => message(seq, from, text, room, { mentions: who });

/** Alice signed in with the server's counts: dev read to 54 of 57 (3 unread, 1 of them a mention), lobby read. */
function withCounts(extra = {}) {
  const model = newModel();
  model.signIn({ mode: 'login', user: 'alice', password: 'secret-password' });
  model.welcome({
    ...welcome({ rooms: ['lobby', 'dev'] }),
    conversations: [
      { room: 'lobby', seq: 2, read: 2, unread: 0, mentions: 0 },
      { room: 'dev', seq: 57, read: 54, unread: 3, mentions: 1 },
      { room: '@alice,bob', seq: 4, read: 3, unread: 1, mentions: 0 },
    ],
    ...extra,
  });
  return model;
}

describe('counts from the server', () => {
  test('the welcome gives each conversation its read position, unread and mention counts; its history adds nothing', () => {
    const model = withCounts();
    model.receive(history('dev', [55, 56, 57].map((s) => (s === 56 ? mention(s, 'bob', '@alice look', 'dev') : message(s, 'bob', `m${s}`, 'dev')))));
    model.receive(history('@alice,bob', [message(4, 'bob', 'psst', '@alice,bob', { to: 'alice' })]));
    model.markSynced();
    assert.deepEqual(counts(model.conv('dev')), { read: 54, unread: 3, mentions: 1 });
    assert.deepEqual(counts(model.conv('@alice,bob')), { read: 3, unread: 1, mentions: 0 });
    assert.equal(model.conv('@alice,bob').peer, 'bob');
    const { unread, mentions } = model.sidebar;
    assert.deepEqual({ unread, mentions }, { unread: 4, mentions: 1 });
  });

  test('a reconnect\'s welcome replaces the counts, and its resumed history is not counted twice', () => {
    const model = withCounts();
    model.markSynced();
    model.welcome({ ...welcome({ rooms: ['lobby', 'dev'] }), conversations: [{ room: 'dev', seq: 59, read: 54, unread: 5, mentions: 2 }] });
    model.receive(history('dev', [58, 59].map((s) => mention(s, 'bob', 'hey @alice', 'dev'))));
    assert.deepEqual(counts(model.conv('dev')), { read: 54, unread: 5, mentions: 2 });
  });

  test('a join\'s room frame carries the counts, and the history that follows is in them', () => {
    const { model } = signedIn();
    model.receive({ type: 'room', room: 'ops', users: [], read: 10, unread: 2, mentions: 1 });
    model.receive(history('ops', [mention(11, 'bob', '@alice?', 'ops'), message(12, 'carol', 'x', 'ops')]));
    assert.deepEqual(counts(model.conv('ops')), { read: 10, unread: 2, mentions: 1 });
    model.receive(message(13, 'bob', 'live', 'ops'));
    assert.equal(model.conv('ops').unread, 3, 'what comes live afterwards is news');
  });
});

describe('mentions', () => {
  test('a message naming us counts as a mention (and unread); others\' mentions and our own messages do not', () => {
    const model = withCounts();
    model.markSynced();
    model.receive(mention(58, 'bob', '@alice can you look', 'dev'));
    model.receive(mention(59, 'bob', '@carol can you look', 'dev', ['carol']));
    model.receive(mention(60, 'alice', 'me, @alice', 'dev'));
    assert.deepEqual(counts(model.conv('dev')), { read: 54, unread: 5, mentions: 2 });
    assert.equal(model.mentionsMe(model.conv('dev').items.find((i) => i.seq === 58)), true);
    assert.equal(model.mentionsMe(model.conv('dev').items.find((i) => i.seq === 59)), false);
    model.receive(mention(61, 'carol', '@room standup', 'dev', ['@room']));
    assert.deepEqual(counts(model.conv('dev')), { read: 54, unread: 6, mentions: 3 }, '@room names everyone');
  });

  test('a guest is named by its key, of which the page knows the name', () => {
    const { model } = signedIn({ registered: false, user: 'Dave' });
    assert.equal(model.mentionsMe({ mentions: ['~dave~0123456789abcdef'] }), true);
    assert.equal(model.mentionsMe({ mentions: ['dave'] }), false, 'the account dave is someone else');
    assert.equal(model.mentionsMe({ mentions: ['~davey~0123456789abcdef'] }), false);
  });
});

describe('reading', () => {
  test('only what the view shows while the page is visible is read, and the server is told once, at the newest', () => {
    const model = withCounts();
    model.receive(history('dev', [55, 56, 57].map((s) => (s === 56 ? mention(s, 'bob', '@alice', 'dev') : message(s, 'bob', `m${s}`, 'dev')))));
    model.markSynced();
    model.activate('dev');
    assert.deepEqual(counts(model.conv('dev')), { read: 54, unread: 3, mentions: 1 }, 'opening is not reading');
    assert.deepEqual(model.takeReads(), []);
    model.setVisible(false);
    model.seen('dev', 57, false);
    assert.equal(model.conv('dev').unread, 3, 'a hidden page reads nothing');
    model.setVisible(true);
    assert.equal(model.conv('dev').unread, 3, 'shown again scrolled up: still nothing');
    model.seen('dev', 55, false);
    assert.deepEqual(counts(model.conv('dev')), { read: 55, unread: 2, mentions: 1 }, 'scrolled to the first of them');
    model.seen('dev', 56, false);
    assert.deepEqual(counts(model.conv('dev')), { read: 56, unread: 1, mentions: 0 });
    model.seen('dev', 55, false);
    assert.deepEqual(model.takeReads(), [{ type: 'read', room: 'dev', seq: 56 }], 'one frame, never backwards');
    assert.deepEqual(model.takeReads(), []);
    model.seen('lobby', 2, true);
    assert.deepEqual(model.takeReads(), [], 'a conversation that is not open is not being seen');
  });

  test('news in the open conversation at the bottom of a visible page is read as it comes; scrolled up it is not', () => {
    const { model } = signedIn({ rooms: ['lobby'] });
    model.seen('lobby', 0, true);
    model.receive(message(1, 'bob', 'seen at once'));
    assert.equal(model.conv('lobby').unread, 0);
    assert.deepEqual(model.takeReads(), [{ type: 'read', room: 'lobby', seq: 1 }]);
    model.seen('lobby', 1, false);
    model.receive(mention(2, 'bob', '@alice below the fold', 'lobby'));
    assert.deepEqual(counts(model.conv('lobby')), { read: 1, unread: 1, mentions: 1 });
    assert.deepEqual(model.takeReads(), []);
  });

  test('a read on another device lowers the counts and owes nothing; one that goes back changes nothing', () => {
    const model = withCounts();
    model.receive(history('dev', [55, 56, 57].map((s) => (s === 55 ? mention(s, 'bob', '@alice', 'dev') : message(s, 'bob', `m${s}`, 'dev')))));
    model.markSynced();
    model.receive({ type: 'read', room: 'dev', seq: 55 });
    assert.deepEqual(counts(model.conv('dev')), { read: 55, unread: 2, mentions: 0 });
    model.receive({ type: 'read', room: 'dev', seq: 50 });
    assert.equal(model.conv('dev').readSeq, 55);
    model.receive({ type: 'read', room: 'DEV', seq: 57 });
    assert.deepEqual(counts(model.conv('dev')), { read: 57, unread: 0, mentions: 0 });
    assert.deepEqual(model.takeReads(), []);
  });

  test('read elsewhere past messages this page does not hold: the counts still drop to what can be left', () => {
    const model = withCounts();
    model.markSynced();
    model.receive({ type: 'read', room: 'dev', seq: 56 });
    assert.equal(model.conv('dev').unread, 1, 'one message after 56 of 57');
  });

  test('a private conversation is read under its id', () => {
    const model = withCounts();
    model.receive(history('@alice,bob', [message(4, 'bob', 'psst', '@alice,bob', { to: 'alice' })]));
    model.activate('@alice,bob');
    model.seen('@alice,bob', 4, true);
    assert.deepEqual(model.takeReads(), [{ type: 'read', room: '@alice,bob', seq: 4 }]);
  });

  test('a read not yet stored survives a welcome written before it', () => {
    const model = withCounts();
    model.receive(history('dev', [55, 56, 57].map((s) => message(s, 'bob', `m${s}`, 'dev'))));
    model.activate('dev');
    model.seen('dev', 57, true);
    model.welcome({ ...welcome({ rooms: ['lobby', 'dev'] }), conversations: [{ room: 'dev', seq: 57, read: 54, unread: 3, mentions: 1 }] });
    assert.deepEqual(counts(model.conv('dev')), { read: 57, unread: 0, mentions: 0 });
    assert.deepEqual(model.takeReads(), [{ type: 'read', room: 'dev', seq: 57 }]);
  });
});

describe('mute', () => {
  test('a muted conversation shows no unread count, but its mentions still count', () => {
    const model = withCounts();
    model.setMuted(['dev']);
    assert.equal(model.shownUnread(model.conv('dev')), 0);
    assert.equal(model.conv('dev').mentions, 1);
    const { unread, mentions } = model.sidebar;
    assert.deepEqual({ unread, mentions }, { unread: 1, mentions: 1 });
  });

  test('each account keeps its own muted conversations in this browser; damage gives none', () => {
    const items = new Map();
    const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, String(v)) };
    assert.equal(writeMuted(storage, 'Alice', ['dev', '@alice,bob']), true);
    assert.deepEqual(readMuted(storage, 'alice'), ['dev', '@alice,bob']);
    assert.deepEqual(readMuted(storage, 'bob'), []);
    items.set(mutedKey('carol'), '{oops');
    assert.deepEqual(readMuted(storage, 'carol'), []);
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    assert.equal(writeMuted(full, 'alice', ['dev']), false);
  });
});

describe('notifications and the title', () => {
  const on = { me: 'alice', hidden: true, settings: { notifyPrivate: true }, permission: 'granted' };
  const inDev = { type: 'message', room: 'dev', from: 'bob', text: '@alice can you look?', seq: 58, mentions: ['alice'] };

  test('a mention of us in a room notifies while the tab is hidden; a room message that does not name us does not', () => {
    assert.deepEqual(notificationFor(inDev, { ...on, mentioned: true }), { title: 'bob mentioned you in #dev', body: '@alice can you look?', tag: 'dev', from: 'bob' });
    assert.equal(notificationFor(inDev, { ...on, mentioned: false }), null);
    assert.equal(notificationFor(inDev, { ...on, mentioned: true, hidden: false }), null);
  });

  test('a muted conversation never notifies, mention or private', () => {
    assert.equal(notificationFor(inDev, { ...on, mentioned: true, muted: true }), null);
    assert.equal(notificationFor({ ...inDev, room: '@alice,bob' }, { ...on, muted: true }), null);
  });

  test('a group message notifies as one', () => {
    const group = { type: 'message', room: '@alice,bob,carol', from: 'carol', text: 'plan?', seq: 3 };
    assert.equal(notificationFor(group, on).title, 'carol (group message)');
    assert.equal(notificationFor(group, { ...on, mentioned: true }).tag, '@alice,bob,carol');
  });

  test('the tab title shows unread and mentions apart', () => {
    assert.equal(tabTitle({ unread: 3, mentions: 0 }, '#dev'), '(3) #dev · Piazza');
    assert.equal(tabTitle({ unread: 3, mentions: 1 }, '#dev'), '(3 · @1) #dev · Piazza');
    assert.equal(tabTitle({ unread: 0, mentions: 2 }, '@bob'), '(@2) @bob · Piazza');
    assert.equal(tabTitle({ unread: 0, mentions: 0 }, ''), 'Piazza');
  });
});
