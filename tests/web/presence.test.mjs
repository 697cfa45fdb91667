// Presence in the web client's state: a quick leave-and-return (a reload) is coalesced on a fake clock, and what
// the page knows of who is online counts only while it is connected (src/Piazza.Server/wwwroot/presence.js).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, message, joined, left, lines, texts, ts, FakeClock } from './frames.mjs';
import { REJOIN_GRACE_MS, presenceOf } from '../../src/Piazza.Server/wwwroot/presence.js';

const names = (conv) => conv.users.map((u) => u.user);

describe('a quick leave and return', () => {
  test('a lost connection followed by a rejoin within the grace period shows neither line', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, users: ['alice', 'erin'] });
    const lobby = model.conv('lobby');
    model.receive(left('lobby', 'erin', 'lost'));
    assert.deepEqual(names(lobby), ['alice'], 'gone from the people list at once');
    clock.advance(2_000);
    model.receive(joined('lobby', 'Erin', 4));
    clock.advance(REJOIN_GRACE_MS * 2);
    assert.deepEqual(lines(lobby), []);
    assert.deepEqual(names(lobby), ['alice', 'Erin']);
  });

  test('a quit is held the same way', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, users: ['alice', 'erin'] });
    model.receive(left('lobby', 'erin', 'quit'));
    model.receive(joined('lobby', 'erin', 3));
    clock.advance(REJOIN_GRACE_MS);
    assert.deepEqual(lines(model.conv('lobby')), []);
  });

  test('a leave nobody undoes is shown when the grace period ends, where and when it happened', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, users: ['alice', 'erin', 'bob'] });
    const lobby = model.conv('lobby');
    model.receive(message(1, 'bob', 'before'));
    model.receive(left('lobby', 'erin', 'lost'));
    model.receive(message(2, 'bob', 'after'));
    let changes = 0;
    model.subscribe(() => { changes += 1; });
    clock.advance(REJOIN_GRACE_MS - 1);
    assert.deepEqual(lines(lobby), [], 'still waiting for a rejoin');
    clock.advance(1);
    assert.deepEqual(lobby.items.map((i) => i.text), ['before', 'erin lost the connection', 'after']);
    assert.equal(lobby.items[1].ts, ts(2));
    assert.equal(changes, 1, 'the views hear of it');
  });

  test('a rejoin after the grace period shows both lines', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, users: ['alice', 'erin'] });
    model.receive(left('lobby', 'erin', 'lost'));
    clock.advance(REJOIN_GRACE_MS + 5_000);
    model.receive(joined('lobby', 'erin', 20));
    assert.deepEqual(lines(model.conv('lobby')), ['erin lost the connection', 'erin joined']);
  });

  test('leaving on purpose, a kick or a timeout is shown at once', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, rooms: ['lobby', 'dev'], users: ['alice', 'erin', 'bob', 'carol'] });
    model.receive({ type: 'room', room: 'dev', users: [{ user: 'alice' }, { user: 'erin' }] });
    model.receive(left('dev', 'erin', 'left'));
    model.receive(left('lobby', 'bob', 'kicked', { by: 'alice' }));
    model.receive(left('lobby', 'carol', 'timeout'));
    assert.deepEqual(lines(model.conv('dev')), ['erin left the room']);
    assert.deepEqual(lines(model.conv('lobby')), ['bob was removed by alice', 'carol timed out']);
  });

  test('the hold is per room: a rejoin of one room does not hide the leave of another', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, rooms: ['lobby', 'dev'], users: ['alice', 'erin'] });
    model.receive({ type: 'room', room: 'dev', users: [{ user: 'alice' }, { user: 'erin' }] });
    model.receive(left('lobby', 'erin', 'lost'));
    model.receive(left('dev', 'erin', 'lost'));
    model.receive(joined('lobby', 'erin', 3));
    clock.advance(REJOIN_GRACE_MS);
    assert.deepEqual(lines(model.conv('lobby')), []);
    assert.deepEqual(lines(model.conv('dev')), ['erin lost the connection']);
  });

  test('a held leave of someone present again after our own reconnect is dropped', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, users: ['alice', 'erin'] });
    model.receive(left('lobby', 'erin', 'lost'));
    // We reconnect meanwhile: the fresh room state lists erin, and no `joined` comes for her.
    model.receive({ type: 'room', room: 'lobby', users: [{ user: 'alice' }, { user: 'erin' }] });
    clock.advance(REJOIN_GRACE_MS);
    assert.deepEqual(lines(model.conv('lobby')), []);
  });

  test('a logout forgets the held leaves', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, users: ['alice', 'erin'] });
    model.receive(message(1, 'erin', 'hi'));
    model.receive(left('lobby', 'erin', 'lost'));
    model.clear();
    assert.equal(clock.timers.size, 0);
    clock.advance(REJOIN_GRACE_MS);
    assert.equal(model.convs.size, 0);
  });

  test('the messages around a coalesced reload stay as they were', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, users: ['alice', 'erin'] });
    model.receive(message(1, 'erin', 'reloading'));
    model.receive(left('lobby', 'erin', 'lost'));
    model.receive(joined('lobby', 'erin', 3));
    model.receive(message(2, 'erin', 'back'));
    clock.advance(REJOIN_GRACE_MS);
    assert.deepEqual(texts(model.conv('lobby')), ['reloading', 'back']);
    assert.deepEqual(lines(model.conv('lobby')), []);
  });
});

describe('who is online', () => {
  test('someone in a room we are in is online, someone else away; everyone is unknown while the page is offline', () => {
    const { model } = signedIn({ users: ['alice', 'bob'] });
    model.setStatus('online');
    model.startDirect('carol');
    assert.equal(presenceOf(model, 'BOB'), 'online');
    assert.equal(presenceOf(model, 'carol'), 'away');
    assert.equal(presenceOf(model, 'alice'), 'online');
    for (const kind of ['offline', 'connecting', 'stopped']) {
      model.setStatus(kind, '2');
      assert.equal(presenceOf(model, 'bob'), 'unknown', kind);
      assert.equal(presenceOf(model, 'alice'), 'unknown', kind);
    }
  });

  test('after a reconnect the fresh room state replaces who was there', () => {
    const { model } = signedIn({ rooms: ['lobby', 'dev'], users: ['alice', 'bob'] });
    model.receive({ type: 'room', room: 'dev', users: [{ user: 'alice' }, { user: 'carol' }] });
    model.setStatus('offline', '1');
    model.setStatus('online');
    model.welcome({ type: 'welcome', user: 'alice', registered: true, rooms: [{ room: 'lobby' }, { room: 'dev' }], users: [{ user: 'alice' }] });
    model.receive({ type: 'room', room: 'dev', users: [{ user: 'alice' }] });
    assert.equal(presenceOf(model, 'bob'), 'away');
    assert.equal(presenceOf(model, 'carol'), 'away');
  });
});
