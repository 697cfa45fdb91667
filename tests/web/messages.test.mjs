// Messages in the web client's state: order and dedupe by seq, gaps, unread counts, sends from pending to
// acknowledged, deletions, private conversations and reconnects (src/Piazza.Server/wwwroot/model.js).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { newModel, welcome, signedIn, message, history, texts, lines, ts, T0 } from './frames.mjs';

describe('messages', () => {
  test('are kept in seq order, each once, whatever brings them again', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'one'));
    model.receive(message(2, 'carol', 'two'));
    model.receive(message(2, 'carol', 'two again'));
    model.receive(history('lobby', [message(1, 'bob', 'one'), message(2, 'carol', 'two'), message(3, 'bob', 'three')]));
    assert.deepEqual(texts(model.conv('lobby')), ['one', 'two', 'three']);
    assert.equal(model.conv('lobby').resumePoint, 3);
  });

  test('a seq that jumps asks for the gap; an older page slots in before', () => {
    const { model } = signedIn();
    model.receive(message(10, 'bob', 'ten'));
    assert.deepEqual(model.receive(message(11, 'bob', 'eleven')), []);
    assert.deepEqual(model.receive(message(14, 'bob', 'fourteen')), [{ kind: 'fillGap', key: 'lobby', after: 11 }]);
    model.addPage('lobby', [message(12, 'bob', 'twelve'), message(13, 'bob', 'thirteen')]);
    const lobby = model.conv('lobby');
    assert.deepEqual(texts(lobby), ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen']);
    assert.equal(lobby.hasOlder, true);

    const version = lobby.version;
    model.loadingOlder('lobby');
    assert.equal(lobby.loadingOlder, true);
    model.olderLoaded('lobby', [message(8, 'bob', 'eight'), message(9, 'bob', 'nine')]);
    assert.equal(lobby.loadingOlder, false);
    assert.deepEqual(texts(lobby).slice(0, 3), ['eight', 'nine', 'ten']);
    assert.ok(lobby.version > version, 'an insert before the end tells the view to rebuild');
  });

  test('a system line stays after the message it followed', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'one'));
    model.receive({ type: 'joined', room: 'lobby', user: 'carol', ts: ts(2) });
    model.receive(message(2, 'carol', 'two'));
    model.olderLoaded('lobby', []);
    assert.deepEqual(model.conv('lobby').items.map((i) => i.text), ['one', 'carol joined', 'two']);
  });
});

describe('unread counts', () => {
  test('opening a conversation with unread messages puts the "new" line above the first of them', () => {
    const { model } = signedIn({ rooms: ['lobby', 'dev'] });
    model.receive(message(1, 'bob', 'seen before', 'dev'));
    model.activate('dev');
    model.seen('dev', 1, true);
    model.activate('lobby');
    model.receive(message(2, 'bob', 'news 1', 'dev'));
    model.receive(message(3, 'alice', 'mine, from another device', 'dev'));
    model.receive(message(4, 'carol', 'news 2', 'dev'));
    const dev = model.conv('dev');
    const version = dev.version;
    model.activate('dev');
    assert.equal(dev.unreadFrom, 2);
    assert.ok(dev.version > version, 'the view rebuilds to draw the line');
    model.seen('dev', 4, true);
    model.activate('lobby');
    model.activate('dev');
    assert.equal(dev.unreadFrom, null, 'nothing new since the last visit: no line');
  });

  test('coming back to the page puts the "new" line above what arrived while it was hidden', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'seen'));
    model.setVisible(false);
    model.receive(message(2, 'bob', 'while away'));
    model.setVisible(true);
    assert.equal(model.conv('lobby').unreadFrom, 2);
  });

  test('count others\' messages in a conversation that is not open, and clear once its view shows them', () => {
    const { model } = signedIn({ rooms: ['lobby', 'dev'] });
    model.receive(message(1, 'bob', 'dev news 1', 'dev'));
    model.receive(message(2, 'bob', 'dev news 2', 'dev'));
    model.receive(message(3, 'alice', 'my own', 'dev'));
    model.receive(message(1, 'bob', 'in the open lobby'));
    assert.equal(model.conv('dev').unread, 2);
    assert.equal(model.conv('lobby').unread, 0);
    assert.equal(model.sidebar.unread, 2);
    model.activate('dev');
    assert.equal(model.conv('dev').unread, 2, 'opening is not reading');
    model.seen('dev', 3, true);
    assert.equal(model.conv('dev').unread, 0);
  });

  test('count in the open conversation while the page is hidden, and clear when it shows again', () => {
    const { model } = signedIn();
    model.setVisible(false);
    model.receive(message(1, 'bob', 'are you there?'));
    assert.equal(model.conv('lobby').unread, 1);
    model.setVisible(true);
    assert.equal(model.conv('lobby').unread, 0);
  });

  test('a login\'s history is the past; history after the login is news', () => {
    const model = newModel();
    model.signIn({ mode: 'login', user: 'alice', password: 'secret-password' });
    model.welcome(welcome({ rooms: ['lobby', 'dev'] }));
    model.receive(history('dev', [message(1, 'bob', 'old 1', 'dev'), message(2, 'bob', 'old 2', 'dev')]));
    assert.equal(model.conv('dev').unread, 0);
    model.markSynced();
    model.receive(history('@alice,bob', [message(1, 'bob', 'new private', '@alice,bob', { to: 'alice' })]));
    assert.equal(model.conv('@alice,bob').unread, 1);
  });
});

describe('sending', () => {
  test('a message is pending until its ok, then shown once with its seq', () => {
    const { model } = signedIn();
    const frame = model.compose('wait for it');
    assert.deepEqual(frame, { type: 'send', id: 'web-test-1', text: 'wait for it', room: 'lobby' });
    assert.deepEqual(model.pendingIn('lobby').map((p) => [p.id, p.state]), [['web-test-1', 'pending']]);
    assert.deepEqual(texts(model.conv('lobby')), []);

    model.receive({ type: 'ok', re: 'web-test-1', msg: 'm7', seq: 7, room: 'lobby' });
    assert.deepEqual(model.pendingIn('lobby'), []);
    const shown = model.conv('lobby').items.filter((i) => i.kind === 'msg');
    assert.deepEqual(shown.map((m) => [m.seq, m.id, m.from, m.text, m.ts]), [[7, 'm7', 'alice', 'wait for it', new Date(T0).toISOString()]]);
    model.receive(message(7, 'alice', 'wait for it'));
    assert.equal(texts(model.conv('lobby')).length, 1);
  });

  test('the echo that overtakes the ok stops the pending line; the ok adds nothing more', () => {
    const { model } = signedIn();
    model.compose('fast echo');
    model.receive(message(1, 'alice', 'fast echo'));
    assert.deepEqual(model.pendingIn('lobby'), []);
    assert.equal(model.pending.size, 1, 'still waiting for the ok');
    model.receive({ type: 'ok', re: 'web-test-1', msg: 'm1', seq: 1, room: 'lobby' });
    assert.equal(model.pending.size, 0);
    assert.deepEqual(texts(model.conv('lobby')), ['fast echo']);
  });

  test('a failed send shows why, goes again with the same id on retry, or is discarded', () => {
    const { model } = signedIn();
    model.compose('second try');
    model.receive({ type: 'error', re: 'web-test-1', code: 'server_error', message: 'disk full' });
    assert.deepEqual(model.pendingIn('lobby').map((p) => [p.state, p.error]), [['failed', 'disk full']]);
    assert.deepEqual(model.retry('web-test-1'), { type: 'send', id: 'web-test-1', text: 'second try', room: 'lobby' });
    assert.equal(model.pending.get('web-test-1').state, 'pending');
    model.compose('third');
    model.receive({ type: 'error', re: 'web-test-2', code: 'rate_limited' });
    assert.equal(model.pending.get('web-test-2').error, 'rate_limited');
    model.discard('web-test-2');
    assert.deepEqual([...model.pending.keys()], ['web-test-1']);
  });

  test('an error that answers no send is a notice in the open conversation', () => {
    const { model } = signedIn();
    model.receive({ type: 'error', code: 'forbidden', message: 'not allowed here' });
    assert.deepEqual(lines(model.conv('lobby')), ['Error: not allowed here']);
  });

  test('a shared file goes to the conversation it was uploaded for', () => {
    const { model } = signedIn({ rooms: ['lobby', 'dev'] });
    model.activate('dev');
    const target = model.sendTarget();
    model.activate('lobby');
    const frame = model.shareFile(target, { id: 'f1', name: 'a.png', size: 3, mime: 'image/png' });
    assert.deepEqual(frame, { type: 'send', id: 'web-test-1', file: { id: 'f1' }, room: 'dev' });
    model.receive({ type: 'ok', re: 'web-test-1', msg: 'm1', seq: 1, room: 'dev' });
    assert.equal(model.conv('dev').items[0].file.name, 'a.png');
  });
});

describe('deletions', () => {
  test('a deleted message keeps its place and loses its text', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'oops, wrong window'));
    model.receive(message(2, 'bob', 'buy cheap stuff'));
    const lobby = model.conv('lobby');
    const version = lobby.version;
    model.receive({ type: 'deleted', room: 'lobby', msg: 'm1', seq: 1, by: 'bob', ts: ts(3) });
    assert.deepEqual(lobby.items.map((i) => [i.seq, i.text, i.deleted, i.deletedBy ?? null]), [[1, '', true, 'bob'], [2, 'buy cheap stuff', false, null]]);
    assert.ok(lobby.version > version);
    assert.equal(lobby.latestFrom('bob').seq, 2, 'a deleted message is not the latest to delete');
  });

  test('a deletion that overtakes its message is applied when the message comes', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'first'));
    model.receive({ type: 'deleted', room: 'lobby', msg: 'm3', seq: 3, by: 'alice', ts: ts(4) });
    model.receive(history('lobby', [message(2, 'bob', 'second'), message(3, 'bob', 'to be deleted', 'lobby', { file: { id: 'f' } })]));
    const third = model.conv('lobby').items.find((i) => i.seq === 3);
    assert.equal(third.deleted, true);
    assert.equal(third.text, '');
    assert.equal(third.file, undefined);
    assert.deepEqual(texts(model.conv('lobby')), ['first', 'second', '']);
  });

  test('history marks a deleted message as such', () => {
    const { model } = signedIn();
    model.receive(history('lobby', [message(1, 'bob', '', 'lobby', { deleted: true })]));
    assert.equal(model.conv('lobby').items[0].deleted, true);
  });
});
