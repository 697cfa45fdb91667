// Private conversations and reconnects in the web client's state (src/Piazza.Server/wwwroot/model.js).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { welcome, signedIn, message, history, texts, lines } from './frames.mjs';

describe('private conversations', () => {
  test('an incoming private message opens a conversation named after the peer', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'psst, alice', '@alice,bob', { to: 'alice' }));
    const withBob = model.conv('@alice,bob');
    assert.equal(withBob.direct, true);
    assert.equal(withBob.peer, 'bob');
    assert.equal(withBob.name, '@bob');
    assert.equal(withBob.unread, 1);
    assert.equal(model.findDirect('BOB'), withBob);
  });

  test('a guest names the peer of a conversation whose id holds its own random guest key', () => {
    const { model } = signedIn({ registered: false, user: 'Dave' });
    const id = '@~ann~00000000000000aa,~dave~0123456789abcdef';
    model.receive(history(id, []));
    assert.equal(model.conv(id).peer, 'ann');
    assert.equal(model.conv(id).name, '@ann');
  });

  test('our own message seen from another device names the peer from `to`', () => {
    const { model } = signedIn();
    model.receive(message(1, 'alice', 'from my phone', '@alice,bob', { to: 'bob' }));
    assert.equal(model.conv('@alice,bob').peer, 'bob');
    assert.equal(model.conv('@alice,bob').unread, 0);
  });

  test('a conversation started with a guest moves from the guessed id to the real one, sends and all', () => {
    const { model } = signedIn();
    const conv = model.startDirect('dave');
    assert.equal(conv.key, '@alice,dave');
    model.activate(conv.key);
    const frame = model.compose('hello dave');
    assert.deepEqual(frame, { type: 'send', id: 'web-test-1', text: 'hello dave', to: 'dave' });

    model.directHistory(conv.key, { type: 'history', room: '@alice,~dave~0123456789abcdef', messages: [] });
    assert.equal(model.conv('@alice,dave'), null);
    assert.equal(model.active, '@alice,~dave~0123456789abcdef');
    assert.equal(model.pending.get('web-test-1').key, '@alice,~dave~0123456789abcdef');
    model.receive({ type: 'ok', re: 'web-test-1', msg: 'p1', seq: 1, room: '@alice,~dave~0123456789abcdef' });
    model.receive(message(2, 'dave', 'hi alice', '@alice,~dave~0123456789abcdef', { to: 'alice' }));
    assert.deepEqual(texts(model.conv('@alice,~dave~0123456789abcdef')), ['hello dave', 'hi alice']);
    assert.equal(model.sidebar.directs.length, 1);
  });

  test('a reply that arrives before the history answer moves the guessed conversation too', () => {
    const { model } = signedIn();
    const conv = model.startDirect('dave');
    model.activate(conv.key);
    model.receive(message(1, 'dave', 'quick reply', '@alice,~dave~0123456789abcdef', { to: 'alice' }));
    assert.equal(conv.key, '@alice,~dave~0123456789abcdef');
    assert.equal(model.active, '@alice,~dave~0123456789abcdef');
    model.directHistory(conv.key, { type: 'history', room: '@alice,~dave~0123456789abcdef', messages: [message(1, 'dave', 'quick reply', '@alice,~dave~0123456789abcdef')] });
    assert.deepEqual(texts(model.conv('@alice,~dave~0123456789abcdef')), ['quick reply']);
    assert.equal(model.convs.size, 2);
  });

  test('closing a private conversation drops its pending sends', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'psst', '@alice,bob', { to: 'alice' }));
    model.activate('@alice,bob');
    model.compose('never mind');
    model.removeConv('@alice,bob');
    assert.equal(model.pending.size, 0);
    assert.equal(model.active, 'lobby');
  });
});

describe('reconnecting', () => {
  test('the hello asks to resume each conversation after the last seq seen', () => {
    const { model } = signedIn({ rooms: ['lobby', 'dev'] });
    model.receive(message(4, 'bob', 'four'));
    model.receive(message(9, 'bob', 'nine', 'dev'));
    model.receive(message(2, 'bob', 'private', '@alice,bob', { to: 'alice' }));
    assert.deepEqual(model.hello().resume, { lobby: 4, dev: 9, '@alice,bob': 2 });
  });

  test('after a reconnect pending sends go again with their ids, failed ones wait for a retry', () => {
    const { model } = signedIn();
    model.compose('written while offline');
    model.compose('refused');
    model.receive({ type: 'error', re: 'web-test-2', code: 'too_long', message: 'too long' });
    model.setStatus('offline', '1');
    const effects = model.welcome(welcome());
    assert.deepEqual(effects.filter((e) => e.kind === 'send').map((e) => e.frame),
      [{ type: 'send', id: 'web-test-1', text: 'written while offline', room: 'lobby' }]);
    assert.ok(effects.some((e) => e.kind === 'sync'));
    assert.deepEqual(lines(model.conv('lobby')), ['Reconnected.']);
  });

  test('resumed messages are shown once and counted as news in a background room', () => {
    const { model } = signedIn({ rooms: ['lobby', 'dev'] });
    model.receive(message(1, 'bob', 'one', 'dev'));
    model.activate('dev');
    model.seen('dev', 1, true);
    model.activate('lobby');
    model.welcome(welcome({ rooms: ['lobby', 'dev'] }));
    model.receive(history('dev', [message(1, 'bob', 'one', 'dev'), message(2, 'bob', 'two', 'dev')]));
    model.markSynced();
    assert.deepEqual(texts(model.conv('dev')), ['one', 'two']);
    assert.equal(model.conv('dev').unread, 1);
  });

  test('after a failover another node\'s replay overlapping its live messages shows each seq once, in order', () => {
    // Behind a load balancer the next connection may reach another node: resume points are per conversation, not per node.
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'one'));
    model.receive(message(2, 'bob', 'two'));
    model.setStatus('offline', '1');
    assert.deepEqual(model.hello().resume, { lobby: 2 });
    model.welcome(welcome());
    const early = model.receive(message(4, 'bob', 'four')); // live on the new node before its replay
    assert.deepEqual(early, [{ kind: 'fillGap', key: 'lobby', after: 2 }]);
    model.receive(history('lobby', [message(2, 'bob', 'two'), message(3, 'bob', 'three'), message(4, 'bob', 'four')]));
    model.receive(message(4, 'bob', 'four'));
    model.receive(message(5, 'bob', 'five'));
    model.markSynced();
    assert.deepEqual(texts(model.conv('lobby')), ['one', 'two', 'three', 'four', 'five']);
    assert.deepEqual(model.hello().resume, { lobby: 5 });
  });

  test('an account drops rooms it left elsewhere; a guest joins its rooms again and fills the gap', () => {
    const account = signedIn({ rooms: ['lobby', 'dev'] }).model;
    account.activate('dev');
    account.welcome(welcome({ rooms: ['lobby'] }));
    assert.equal(account.conv('dev'), null);
    assert.equal(account.active, 'lobby');

    const guest = signedIn({ user: 'dave', registered: false }).model;
    guest.joinedRoom('dev');
    const effects = guest.welcome(welcome({ user: 'dave', registered: false, rooms: ['lobby'] }));
    assert.deepEqual(effects.filter((e) => e.kind === 'rejoin'), [{ kind: 'rejoin', key: 'dev', room: 'dev' }]);
    assert.notEqual(guest.conv('dev'), null);
  });

  test('a shutdown says why the connection went; the next state replaces it', () => {
    const { model } = signedIn();
    model.receive({ type: 'shutdown', message: 'maintenance' });
    assert.deepEqual(model.status, { kind: 'offline', detail: null, message: 'maintenance' });
    model.setStatus('connecting');
    assert.deepEqual(model.status, { kind: 'connecting', detail: null, message: null });
  });
});
