// A busy room in the web client's state: coalesced `presence` frames change the people list as a set and are
// summarised in one line, and the member list comes in pages (the room frame's count and first page, then `who`
// with the cursor). src/Piazza.Server/wwwroot/people-pages.js and model-frames.js.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, joined, lines, ts, FakeClock } from './frames.mjs';
import { REJOIN_GRACE_MS } from '../../src/Piazza.Server/wwwroot/presence.js';
import { peopleTotal, summarise, takeWhoPage, whoRequest } from '../../src/Piazza.Server/wwwroot/people-pages.js';

const names = (conv) => conv.users.map((u) => u.user);
const entry = (user, second = 1) => ({ user, since: ts(second) });
const presence = (room, joinedUsers, leftUsers = [], second = 3) => ({
  type: 'presence', room,
  ...(joinedUsers.length ? { joined: joinedUsers.map((u) => entry(u, second)) } : {}),
  ...(leftUsers.length ? { left: leftUsers.map(([user, reason]) => ({ user, reason })) } : {}),
  ts: ts(second),
});

describe('coalesced joins and leaves', () => {
  test('many joins in one frame: each listed once, ourselves and known names are no news, one summary line', () => {
    const { model } = signedIn({ users: ['alice', 'bob'] });
    const lobby = model.conv('lobby');
    const crowd = Array.from({ length: 14 }, (_, i) => `g${i}`);
    model.receive(presence('lobby', ['alice', 'bob', ...crowd]));
    assert.deepEqual(names(lobby), ['alice', 'bob', ...crowd]);
    assert.equal(peopleTotal(lobby), 16);
    assert.deepEqual(lines(lobby), ['g0, g1 and 12 others joined']);
  });

  test('a few joins are named in full, and a single join reads as before', () => {
    const { model } = signedIn({ users: ['alice'] });
    model.receive(presence('lobby', ['bob', 'carol', 'dave']));
    model.receive(presence('lobby', ['erin']));
    assert.deepEqual(lines(model.conv('lobby')), ['bob, carol and dave joined', 'erin joined']);
  });

  test('left applies before joined: a user who left and came back stays listed, once', () => {
    const { model } = signedIn({ users: ['alice', 'bob', 'carol'] });
    const lobby = model.conv('lobby');
    model.receive(presence('lobby', ['bob'], [['bob', 'left'], ['carol', 'timeout']]));
    assert.deepEqual(names(lobby), ['alice', 'bob']);
    assert.deepEqual(lines(lobby), ['bob and carol left', 'bob joined']);
  });

  test('many leaves are summarised; a lone lost leave is held for its grace period like a left frame', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock, users: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] });
    const lobby = model.conv('lobby');
    model.receive(presence('lobby', [], [['bob', 'quit'], ['carol', 'lost'], ['dave', 'quit'], ['erin', 'quit']]));
    assert.deepEqual(names(lobby), ['alice', 'frank']);
    assert.deepEqual(lines(lobby), ['bob, carol and 2 others left']);
    model.receive(presence('lobby', [], [['frank', 'lost']], 4));
    assert.deepEqual(lines(lobby), ['bob, carol and 2 others left'], 'held');
    model.receive(joined('lobby', 'frank', 5));
    clock.advance(REJOIN_GRACE_MS * 2);
    assert.deepEqual(lines(lobby), ['bob, carol and 2 others left'], 'the rejoin undid it');
  });

  test('summaries', () => {
    assert.equal(summarise([], 'joined'), null);
    assert.equal(summarise(['a'], 'left'), 'a left');
    assert.equal(summarise(['a', 'b'], 'left'), 'a and b left');
    assert.equal(summarise(['a', 'b', 'c', 'd'], 'joined'), 'a, b and 2 others joined');
  });
});

describe('member lists in pages', () => {
  test('the room frame gives the count and the first page; who pages on from its cursor until there is no next', () => {
    const { model } = signedIn({ users: ['alice'] });
    const first = Array.from({ length: 100 }, (_, i) => entry(`u${String(i).padStart(3, '0')}`));
    model.receive({ type: 'room', room: 'lobby', users: first, count: 250, next: 'c1' });
    const lobby = model.conv('lobby');
    assert.equal(lobby.users.length, 100);
    assert.equal(peopleTotal(lobby), 250);
    assert.deepEqual(whoRequest(lobby), { type: 'who', room: 'lobby', cursor: 'c1', limit: 200 });

    const rest = Array.from({ length: 150 }, (_, i) => entry(`v${i}`));
    assert.ok(takeWhoPage(lobby, { type: 'ok', re: 'r1', room: 'lobby', users: [first[0], ...rest], count: 250 }));
    assert.equal(lobby.users.length, 250, 'nobody twice');
    assert.equal(lobby.usersNext, null);
    assert.equal(whoRequest(lobby), null);
    assert.equal(peopleTotal(lobby), 250);
  });

  test('while the list is partial a join and a leave move the count', () => {
    const { model } = signedIn({ users: ['alice'] });
    model.receive({ type: 'room', room: 'lobby', users: [entry('alice')], count: 500, next: 'c1' });
    const lobby = model.conv('lobby');
    model.receive(joined('lobby', 'zed', 3));
    assert.equal(peopleTotal(lobby), 501);
    model.receive(presence('lobby', [], [['x1', 'quit'], ['x2', 'quit']]));
    assert.equal(peopleTotal(lobby), 499, 'users beyond the pages shown leave the count too');
  });

  test('a failed who page changes nothing', () => {
    const { model } = signedIn({ users: ['alice'] });
    model.receive({ type: 'room', room: 'lobby', users: [entry('alice')], count: 3, next: 'c1' });
    const lobby = model.conv('lobby');
    assert.equal(takeWhoPage(lobby, { type: 'error', code: 'bad_request' }), false);
    assert.equal(lobby.usersNext, 'c1');
  });
});

describe('a storm', () => {
  test('a presence frame cut at 50 names gives the totals and the count; the list reloads from the start', () => {
    const { model } = signedIn({ users: ['alice'] });
    const lobby = model.conv('lobby');
    const named = Array.from({ length: 50 }, (_, i) => `s${i}`);
    model.receive({ ...presence('lobby', named), joinedTotal: 480, count: 481 });
    assert.equal(peopleTotal(lobby), 481);
    assert.deepEqual(lines(lobby), ['s0, s1 and 478 others joined']);
    assert.deepEqual(whoRequest(lobby), { type: 'who', room: 'lobby', limit: 200 }, 'from the start');
    model.receive(joined('lobby', 'late', 9));
    assert.equal(peopleTotal(lobby), 482, 'a partial list counts on from the server count');
  });
});
