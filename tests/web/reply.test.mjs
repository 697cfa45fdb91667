// Replies in the web client's state (src/Piazza.Server/wwwroot/reply.js): the next send carries `reply`, replies keep
// their quote, a deleted original's quotes follow, and an original not loaded yet is found by loading older pages.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, message, history } from './frames.mjs';
import {
  cancelReply, firstTextElements, quoteLabel, replyFor, revealMessage, startReply,
} from '../../src/Piazza.Server/wwwroot/reply.js';

const item = (model, seq, key = 'lobby') => model.conv(key).items.find((i) => i.kind === 'msg' && i.seq === seq);

describe('replies', () => {
  test('the next send carries reply once; Esc cancels; a deleted message cannot be answered', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'deploy on friday?'));
    assert.equal(startReply(model, item(model, 1)), true);
    assert.equal(replyFor(model, 'lobby').from, 'bob');
    const frame = model.compose('yes');
    assert.equal(frame.reply, 'm1');
    assert.equal(replyFor(model, 'lobby'), null);
    assert.equal(model.compose('plain').reply, undefined);

    startReply(model, item(model, 1));
    assert.equal(cancelReply(model), true);
    assert.equal(model.compose('not a reply').reply, undefined);

    model.receive({ type: 'deleted', room: 'lobby', msg: 'm1', seq: 1, by: 'bob' });
    assert.equal(startReply(model, item(model, 1)), false);
  });

  test('a reply keeps its quote from the wire, and from our own send when the ok comes first', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'lunch?'));
    model.receive(message(2, 'carol', 'sure', 'lobby', { reply: { msg: 'm1', seq: 1, from: 'bob', text: 'lunch?' } }));
    assert.deepEqual(item(model, 2).reply, { msg: 'm1', seq: 1, from: 'bob', text: 'lunch?' });

    startReply(model, item(model, 2));
    model.compose('me too');
    model.receive({ type: 'ok', re: 'web-test-1', msg: 'm3', seq: 3, room: 'lobby' });
    model.receive(message(3, 'alice', 'me too', 'lobby', { reply: { msg: 'm2', seq: 2, from: 'carol', text: 'sure' } }));
    assert.equal(item(model, 3).reply.msg, 'm2');
    assert.equal(item(model, 3).reply.from, 'carol');
  });

  test('deleting the original turns its quotes into deleted quotes and tells the view to rebuild', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'secret'));
    model.receive(message(2, 'carol', 'shh', 'lobby', { reply: { msg: 'm1', seq: 1, from: 'bob', text: 'secret' } }));
    const conv = model.conv('lobby');
    const version = conv.version;
    model.receive({ type: 'deleted', room: 'lobby', msg: 'm1', seq: 1, by: 'bob' });
    assert.deepEqual(item(model, 2).reply, { msg: 'm1', seq: 1, from: 'bob', deleted: true });
    assert.ok(conv.version > version);
    assert.equal(quoteLabel(item(model, 2).reply), 'bob: (deleted)');
  });

  test('editing the original changes its quotes to the new text', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'ship friday'));
    model.receive(message(2, 'carol', 'ok', 'lobby', { reply: { msg: 'm1', seq: 1, from: 'bob', text: 'ship friday' } }));
    model.receive({ type: 'edited', room: 'lobby', msg: 'm1', seq: 1, text: 'ship monday', editedAt: '2026-12-07T10:00:00.000Z', by: 'bob' });
    assert.equal(item(model, 2).reply.text, 'ship monday');
    assert.equal(quoteLabel(item(model, 2).reply), 'bob: ship monday');
  });

  test('an original not loaded yet is found by loading older pages, and the beginning stops the search', async () => {
    const { model } = signedIn();
    model.receive(history('lobby', [message(90, 'bob', 'ninety'), message(91, 'bob', 'ninety-one')]));
    const asked = [];
    const loadOlder = async (key) => {
      const conv = model.conv(key);
      asked.push(conv.minSeq);
      model.loadingOlder(key);
      const from = Math.max(1, conv.minSeq - 30);
      const page = [];
      for (let seq = from; seq < conv.minSeq; seq++) page.push(message(seq, 'bob', `m ${seq}`));
      model.olderLoaded(key, page.map(({ type, ...m }) => m));
    };
    const found = await revealMessage(model, 'lobby', 31, loadOlder);
    assert.equal(found.text, 'm 31');
    assert.deepEqual(asked, [90, 60]);

    // A seq below the first one (seq 0) is never held: the search ends at the beginning.
    assert.equal(await revealMessage(model, 'lobby', 0, loadOlder), null);
    assert.deepEqual(asked, [90, 60, 30]);

    // Nothing loads (offline): it gives up instead of looping.
    const { model: other } = signedIn();
    other.receive(message(50, 'bob', 'fifty'));
    assert.equal(await revealMessage(other, 'lobby', 10, async () => {}), null);
  });

  test('a quote keeps 200 text elements, never half an emoji, and a label is one line', () => {
    const thumbs = '👍🏽'.repeat(250);
    assert.equal(firstTextElements(thumbs), '👍🏽'.repeat(200));
    assert.equal(firstTextElements('short'), 'short');
    assert.equal(quoteLabel({ from: 'bob', text: 'two\nlines' }), 'bob: two lines');
    assert.equal(quoteLabel({ from: 'bob', text: 'x'.repeat(10) }, 4), 'bob: xxxx…');
  });
});
