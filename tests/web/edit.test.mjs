// Editing in the web client's state (src/Piazza.Server/wwwroot/edit.js): an `edited` frame replaces a held message's
// text and marks it edited (the timeline rebuilds), history carries editedAt, a deleted message stays deleted, and ↑
// finds our latest editable message.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, message, history, texts } from './frames.mjs';
import { canEdit, editFrame, lastOwnEditable } from '../../src/Piazza.Server/wwwroot/edit.js';

describe('edit', () => {
  test('an edited frame replaces the text, keeps the place, marks it edited and bumps the version', () => {
    const { model } = signedIn();
    model.receive(message(1, 'alice', 'helo', 'lobby', { id: 'm1' }));
    model.receive(message(2, 'bob', 'hi', 'lobby', { id: 'm2' }));
    const conv = model.conv('lobby');
    const before = conv.version;
    model.receive({ type: 'edited', room: 'lobby', msg: 'm1', seq: 1, text: 'hello @bob', editedAt: '2026-11-24T10:05:00.000Z', by: 'alice', mentions: ['bob'] });
    assert.deepEqual(texts(conv), ['hello @bob', 'hi']);
    const item = conv.items.find((i) => i.seq === 1);
    assert.equal(item.editedAt, '2026-11-24T10:05:00.000Z');
    assert.deepEqual(item.mentions, ['bob']);
    assert.ok(conv.version > before);
  });

  test('history carries editedAt, and a deleted message is neither edited nor editable', () => {
    const { model } = signedIn();
    model.receive(history('lobby', [message(1, 'alice', 'now', 'lobby', { id: 'm1', editedAt: 'x' }), message(2, 'alice', 'gone', 'lobby', { id: 'm2' })]));
    const conv = model.conv('lobby');
    assert.equal(conv.items.find((i) => i.seq === 1).editedAt, 'x');
    model.receive({ type: 'deleted', room: 'lobby', msg: 'm2', seq: 2, by: 'alice', ts: 'y' });
    model.receive({ type: 'edited', room: 'lobby', msg: 'm2', seq: 2, text: 'back', editedAt: 'z', by: 'alice' });
    const deleted = conv.items.find((i) => i.seq === 2);
    assert.equal(deleted.text, '');
    assert.equal(deleted.editedAt, undefined);
    const mine = (name) => model.isMine(name);
    assert.equal(canEdit(deleted, mine), false);
    assert.equal(lastOwnEditable(conv, mine).seq, 1);
  });

  test('up edits our latest message with text, never someone else\'s or a file without text', () => {
    const { model } = signedIn();
    model.receive(message(1, 'alice', 'mine', 'lobby', { id: 'm1' }));
    model.receive(message(2, 'alice', '', 'lobby', { id: 'm2', file: { id: 'f1', name: 'a.txt', size: 1 } }));
    model.receive(message(3, 'bob', 'theirs', 'lobby', { id: 'm3' }));
    const mine = (name) => model.isMine(name);
    assert.equal(lastOwnEditable(model.conv('lobby'), mine).seq, 1);
    assert.equal(lastOwnEditable(model.conv('lobby'), () => false), null);
  });

  test('the request is built only for a changed, non-blank text', () => {
    const item = { kind: 'msg', id: 'm1', text: 'same' };
    assert.deepEqual(editFrame(item, 'new'), { type: 'edit', msg: 'm1', text: 'new' });
    assert.equal(editFrame(item, 'same'), null);
    assert.equal(editFrame(item, '   '), null);
  });
});
