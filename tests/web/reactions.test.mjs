// Reactions in the web client's state (src/Piazza.Server/wwwroot/reactions.js): history carries them onto message
// items, `reaction` frames change them in the server's order, and the chips say who and whether it is ours.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, message, history } from './frames.mjs';
import { chipsOf, toggleFrame, toggleReaction, mayReact } from '../../src/Piazza.Server/wwwroot/reactions.js';

const reaction = (seq, emoji, user, on, room = 'lobby') => ({ type: 'reaction', room, msg: `m${seq}`, seq, emoji, user, on });
const itemOf = (model, seq) => model.conv('lobby').items.find((i) => i.kind === 'msg' && i.seq === seq);

describe('reactions', () => {
  test('history brings reactions and reaction frames change them in place, bumping the version', () => {
    const { model } = signedIn();
    model.receive(history('lobby', [message(1, 'bob', 'ship it', 'lobby', { id: 'm1', reactions: [{ emoji: '👍', users: ['bob'] }] })]));
    const conv = model.conv('lobby');
    const before = conv.version;
    model.receive(reaction(1, '🎉', 'carol', true));
    model.receive(reaction(1, '👍', 'alice', true));
    model.receive(reaction(1, '👍', 'alice', true)); // a repeat changes nothing
    assert.deepEqual(itemOf(model, 1).reactions, [{ emoji: '👍', users: ['bob', 'alice'] }, { emoji: '🎉', users: ['carol'] }]);
    assert.ok(conv.version > before);

    model.receive(reaction(1, '👍', 'bob', false));
    model.receive(reaction(1, '🎉', 'carol', false));
    assert.deepEqual(itemOf(model, 1).reactions, [{ emoji: '👍', users: ['alice'] }]);
    model.receive(reaction(1, '👍', 'alice', false));
    assert.equal(itemOf(model, 1).reactions, undefined);
  });

  test('a reaction to a message not held, or to another message id at that seq, or to a deleted one changes nothing', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'hi', 'lobby', { id: 'm1' }));
    model.receive(reaction(7, '👍', 'bob', true));
    model.receive({ ...reaction(1, '👍', 'bob', true), msg: 'other' });
    assert.equal(itemOf(model, 1).reactions, undefined);
    model.receive({ type: 'deleted', room: 'lobby', msg: 'm1', seq: 1, by: 'bob' });
    model.receive(reaction(1, '👍', 'bob', true));
    assert.equal(itemOf(model, 1).reactions, undefined);
  });

  test('chips count, mark ours case-insensitively, name everyone, and toggle to unreact ours', () => {
    const item = { kind: 'msg', id: 'm1', reactions: [{ emoji: '👍', users: ['bob', 'Alice'] }, { emoji: '🎉', users: ['carol'] }] };
    assert.deepEqual(chipsOf(item, 'alice'), [
      { emoji: '👍', count: 2, mine: true, names: 'bob, Alice' },
      { emoji: '🎉', count: 1, mine: false, names: 'carol' },
    ]);
    assert.deepEqual(toggleFrame(item, '👍', 'alice'), { type: 'unreact', msg: 'm1', emoji: '👍' });
    assert.deepEqual(toggleFrame(item, '🎉', 'alice'), { type: 'react', msg: 'm1', emoji: '🎉' });
    assert.deepEqual(chipsOf({ kind: 'msg' }, 'alice'), []);
  });

  test('an emoji keeps its place while anyone has it; one that comes back goes last', () => {
    let list = toggleReaction(undefined, '👍', 'a', true);
    list = toggleReaction(list, '🎉', 'b', true);
    list = toggleReaction(list, '👍', 'a', false);
    list = toggleReaction(list, '👍', 'c', true);
    assert.deepEqual(list.map((r) => r.emoji), ['🎉', '👍']);
  });

  test('guests may not react, nor may anyone to a deleted message', () => {
    assert.equal(mayReact({ kind: 'msg', id: 'm1' }, true), true);
    assert.equal(mayReact({ kind: 'msg', id: 'm1' }, false), false);
    assert.equal(mayReact({ kind: 'msg', id: 'm1', deleted: true }, true), false);
  });
});
