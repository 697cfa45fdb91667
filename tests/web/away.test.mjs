// Away status and typing notices in the web client's state (src/Piazza.Server/wwwroot/away.js): the people list's
// away marks follow the frames, "bob is typing…" runs out on a fake clock or ends with bob's message, the composer's
// notices are throttled, and /away, /back parse.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, message, FakeClock } from './frames.mjs';
import { typingText, TypingNotifier, awayFrame, TYPING_SHOWN_MS, TYPING_INTERVAL_MS } from '../../src/Piazza.Server/wwwroot/away.js';
import { parseInput } from '../../src/Piazza.Server/wwwroot/commands.js';

const awayOf = (conv, user) => conv.users.find((u) => u.user === user)?.away;

describe('away', () => {
  test('a user list carries away texts, and away frames change them in every conversation', () => {
    const { model } = signedIn();
    model.receive({ type: 'room', room: 'lobby', users: [{ user: 'alice', since: 'x' }, { user: 'bob', since: 'x', away: 'lunch' }] });
    model.receive({ type: 'room', room: 'dev', users: [{ user: 'alice', since: 'x' }, { user: 'bob', since: 'x' }] });
    assert.equal(awayOf(model.conv('lobby'), 'bob'), 'lunch');

    model.receive({ type: 'away', user: 'Bob', text: 'in a meeting', ts: 'x' });
    assert.equal(awayOf(model.conv('lobby'), 'bob'), 'in a meeting');
    assert.equal(awayOf(model.conv('dev'), 'bob'), 'in a meeting');

    model.receive({ type: 'away', user: 'bob', ts: 'x' });
    assert.equal(awayOf(model.conv('lobby'), 'bob'), undefined);
    assert.equal(awayOf(model.conv('dev'), 'bob'), undefined);
  });

  test('our own away (from any device) is remembered, said, and set again after a reconnect', () => {
    const { model } = signedIn();
    model.receive({ type: 'away', user: 'alice', text: 'lunch', ts: 'x' });
    assert.equal(model.myAway, 'lunch');
    assert.ok(model.conv('lobby').items.some((i) => i.text === 'You are away: lunch'));
    const effects = model.welcome({ type: 'welcome', user: 'alice', registered: true, rooms: [{ room: 'lobby' }], users: [] });
    assert.deepEqual(effects.filter((e) => e.kind === 'send').map((e) => e.frame), [{ type: 'away', text: 'lunch' }]);

    model.receive({ type: 'away', user: 'alice', ts: 'x' });
    assert.equal(model.myAway, null);
    const again = model.welcome({ type: 'welcome', user: 'alice', registered: true, rooms: [{ room: 'lobby' }], users: [] });
    assert.deepEqual(again.filter((e) => e.kind === 'send'), []);
  });

  test('/away and /back, and the frame each sends', () => {
    assert.deepEqual(parseInput('/away  out for lunch '), { kind: 'away', text: 'out for lunch' });
    assert.deepEqual(parseInput('/away'), { kind: 'away', text: '' });
    assert.deepEqual(parseInput('/BACK'), { kind: 'away', text: '' });
    assert.deepEqual(awayFrame(' lunch '), { type: 'away', text: 'lunch' });
    assert.deepEqual(awayFrame(''), { type: 'away' });
  });
});

describe('typing', () => {
  test('"bob is typing…" shows in its conversation only, and runs out after a few seconds', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock });
    model.receive({ type: 'room', room: 'dev', users: [] });
    model.receive({ type: 'typing', room: 'lobby', user: 'bob' });
    const now = () => clock.now().getTime();
    assert.equal(typingText(model.conv('lobby'), now()), 'bob is typing…');
    assert.equal(typingText(model.conv('dev'), now()), '');

    model.receive({ type: 'typing', room: 'lobby', user: 'carol' });
    assert.equal(typingText(model.conv('lobby'), now()), 'bob and carol are typing…');
    model.receive({ type: 'typing', room: 'lobby', user: 'dave' });
    assert.equal(typingText(model.conv('lobby'), now()), 'Several people are typing…');

    clock.advance(TYPING_SHOWN_MS);
    assert.equal(typingText(model.conv('lobby'), now()), '');
  });

  test('a message from the typist ends it at once; our own notices and unknown conversations are ignored', () => {
    const clock = new FakeClock();
    const { model } = signedIn({ clock });
    const now = () => clock.now().getTime();
    model.receive({ type: 'typing', room: 'lobby', user: 'bob' });
    model.receive({ type: 'typing', room: 'lobby', user: 'carol' });
    model.receive(message(1, 'bob', 'done typing'));
    assert.equal(typingText(model.conv('lobby'), now()), 'carol is typing…');

    model.receive({ type: 'typing', room: 'lobby', user: 'Alice' });
    model.receive({ type: 'typing', room: 'nowhere', user: 'bob' });
    assert.equal(typingText(model.conv('lobby'), now()), 'carol is typing…');
    assert.ok(!model.conv('nowhere'), 'no conversation made up for it');
  });

  test('the composer sends one notice per conversation every 3 s, for messages only', () => {
    const notifier = new TypingNotifier();
    const lobby = { key: 'lobby', name: 'lobby', direct: false };
    const direct = { key: '@alice,bob', name: '@bob', peer: 'bob', direct: true };
    assert.deepEqual(notifier.frameFor(lobby, 'h', 0), { type: 'typing', room: 'lobby' });
    assert.equal(notifier.frameFor(lobby, 'he', 1000), null);
    assert.deepEqual(notifier.frameFor(direct, 'h', 1000), { type: 'typing', to: 'bob' });
    assert.equal(notifier.frameFor(lobby, 'hel', TYPING_INTERVAL_MS - 1), null);
    assert.deepEqual(notifier.frameFor(lobby, 'hell', TYPING_INTERVAL_MS), { type: 'typing', room: 'lobby' });
    assert.equal(notifier.frameFor(lobby, '/topic x', 10 * TYPING_INTERVAL_MS), null, 'a command is not a message');
    assert.equal(notifier.frameFor(lobby, '   ', 10 * TYPING_INTERVAL_MS), null);
    assert.deepEqual(notifier.frameFor(lobby, '//shrug', 10 * TYPING_INTERVAL_MS), { type: 'typing', room: 'lobby' });
  });
});
