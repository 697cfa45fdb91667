// Group conversations in the web client's state (model.js, conversation.js, route.js): '@alice,bob,carol'.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, message, history, texts } from './frames.mjs';
import { routeOf, parseRoute, sameRoute } from '../../src/Piazza.Server/wwwroot/route.js';
import { parseInput } from '../../src/Piazza.Server/wwwroot/commands.js';

const GROUP = '@alice,bob,carol';

describe('group conversations', () => {
  test('a group message opens a conversation named after the others, listed with the private ones', () => {
    const { model } = signedIn();
    model.receive(message(1, 'Carol', 'hi all', GROUP, { to: ['alice', 'Bob'] }));
    const conv = model.conv(GROUP);
    assert.equal(conv.direct, true);
    assert.equal(conv.group, true);
    assert.equal(conv.peer, 'Bob, Carol');
    assert.deepEqual(conv.others, ['Bob', 'Carol']);
    assert.equal(conv.unread, 1);
    assert.deepEqual(model.sidebar.directs.map((c) => c.peer), ['Bob, Carol']);
    // A two-person conversation with bob is another one.
    model.receive(message(1, 'bob', 'just us', '@alice,bob', { to: 'alice' }));
    assert.equal(model.findDirect('bob').key, '@alice,bob');
    assert.equal(model.findDirect('BOB, carol'), conv);
  });

  test('a send in a group carries the others as a "to" list, and our own echo from another device names them', () => {
    const { model } = signedIn();
    model.receive(history(GROUP, [message(1, 'alice', 'from my phone', GROUP, { to: ['bob', 'carol'] })]));
    const conv = model.conv(GROUP);
    assert.equal(conv.peer, 'bob, carol');
    model.activate(GROUP);
    assert.deepEqual(model.compose('hello both'), { type: 'send', id: 'web-test-1', text: 'hello both', to: ['bob', 'carol'] });
    model.receive({ type: 'ok', re: 'web-test-1', msg: 'm2', seq: 2, room: GROUP });
    assert.deepEqual(texts(conv), ['from my phone', 'hello both']);
  });

  test('a group started by name moves from the guessed id to the real one (a guest in it)', () => {
    const { model } = signedIn();
    const conv = model.startGroup(['carol', 'Dave']);
    assert.equal(conv.key, '@alice,carol,dave');
    model.activate(conv.key);
    model.compose('hi');
    const real = '@alice,carol,~dave~0123456789abcdef';
    model.receive({ type: 'ok', re: 'web-test-1', msg: 'm1', seq: 1, room: real });
    assert.equal(model.conv('@alice,carol,dave'), null);
    assert.equal(model.active, real);
    model.receive(message(2, 'Dave', 'hey', real, { to: ['alice', 'carol'] }));
    assert.deepEqual(texts(model.conv(real)), ['hi', 'hey']);
    assert.equal(model.sidebar.directs.length, 1);
  });

  test('a group id seen first in a login history is named from its keys (a guest key by its name)', () => {
    const { model } = signedIn();
    model.receive(history('@alice,bob,~gus~00000000000000aa', []));
    assert.equal(model.conv('@alice,bob,~gus~00000000000000aa').peer, 'bob, gus');
  });

  test('routes: #/dm/bob,carol names the group; its address is written back the same way', () => {
    const { model } = signedIn();
    model.receive(message(1, 'carol', 'x', GROUP, { to: ['alice', 'bob'] }));
    assert.equal(routeOf(model.conv(GROUP)), '#/dm/bob,carol');
    assert.deepEqual(parseRoute('#/dm/carol,Bob'), { kind: 'dm', user: 'Bob, carol', users: ['carol', 'Bob'] });
    assert.equal(sameRoute('#/dm/bob,carol', '#/dm/Carol,bob'), true);
    assert.equal(parseRoute('#/dm/bob,no such').kind, 'bad');
    assert.equal(parseRoute('#/dm/bob,').kind, 'bad');
    assert.deepEqual(parseInput('/msg bob,carol hello'), { kind: 'msg', who: 'bob,carol', text: 'hello' });
  });
});
