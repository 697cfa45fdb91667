// Pins on the page (src/Piazza.Server/wwwroot/pins.js and the frames that reach it): the room frame's pinned list,
// pinned/unpinned with their lines, who may pin, the requests, and the pins panel's list from the `pins` answer.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, ts, lines, message } from './frames.mjs';
import { isPinned, mayPin, pinnedIds, pinRequest, pinsRequest, takePins, pinLine, pinAnswer } from '../../src/Piazza.Server/wwwroot/pins.js';

const roomFrame = (room, extra = {}) => ({ type: 'room', room, topic: '', owner: 'alice', users: [{ user: 'alice', since: ts(0) }], moderators: [], locked: true, ...extra });

describe('pins on the page', () => {
  test('the room frame lists the pinned ids, newest first; pinned and unpinned change the list and say who', () => {
    const { model } = signedIn();
    model.receive(roomFrame('dev', { pinned: ['m2', 'm1'] }));
    const dev = model.conv('dev');
    assert.deepEqual(pinnedIds(dev), ['m2', 'm1']);
    model.receive(message(3, 'bob', 'deploy at 5', 'dev'));
    const version = dev.version;

    model.receive({ type: 'pinned', room: 'dev', msg: 'm3', seq: 3, by: 'alice', ts: ts(4) });
    assert.deepEqual(pinnedIds(dev), ['m3', 'm2', 'm1']);
    assert.ok(isPinned(dev, 'm3'));
    assert.ok(dev.version > version, 'the view rebuilds to show the mark');
    assert.equal(lines(dev).at(-1), 'alice pinned message #3');

    model.receive({ type: 'pinned', room: 'DEV', msg: 'm3', seq: 3, by: 'alice', ts: ts(5) });
    assert.deepEqual(pinnedIds(dev), ['m3', 'm2', 'm1'], 'a repeat does not list it twice');

    model.receive({ type: 'unpinned', room: 'dev', msg: 'm2', seq: 2, by: 'carol', ts: ts(6) });
    assert.deepEqual(pinnedIds(dev), ['m3', 'm1']);
    assert.equal(isPinned(dev, 'm2'), false);
    assert.equal(lines(dev).at(-1), 'carol unpinned message #2');
  });

  test('a room frame without pins, and frames naming no conversation we hold, change nothing else', () => {
    const { model } = signedIn();
    model.receive(roomFrame('dev'));
    assert.deepEqual(pinnedIds(model.conv('dev')), []);
    model.receive({ type: 'pinned', room: 'elsewhere', msg: 'm1', seq: 1, by: 'alice', ts: ts(1) });
    model.receive({ type: 'pinned', room: 'dev', seq: 1, by: 'alice', ts: ts(1) });
    assert.equal(model.conv('elsewhere'), null);
    assert.deepEqual(pinnedIds(model.conv('dev')), []);
  });

  test('in a room the owner, moderators and admins may pin; members may not; in a private conversation everyone may', () => {
    const { model } = signedIn({ user: 'bob' });
    model.receive(roomFrame('dev', { owner: 'alice', moderators: [] }));
    assert.equal(mayPin(model, model.conv('dev')), false);
    model.receive({ type: 'role', room: 'dev', user: 'bob', role: 'moderator', by: 'alice', ts: ts(2) });
    assert.equal(mayPin(model, model.conv('dev')), true);
    model.receive(roomFrame('ops', { owner: 'bob' }));
    assert.equal(mayPin(model, model.conv('ops')), true);

    model.receive(message(1, 'alice', 'hi', '@alice,bob', { to: 'bob' }));
    const direct = model.conv('@alice,bob');
    assert.equal(mayPin(model, direct), true);
    assert.equal(mayPin(model, null), false);
  });

  test('the requests name a room by its name and a private conversation by its id', () => {
    const { model } = signedIn();
    model.receive(roomFrame('Dev'));
    const dev = model.conv('dev');
    assert.deepEqual(pinsRequest(dev), { type: 'pins', room: 'Dev' });
    assert.deepEqual(pinRequest(dev, 'm7', true), { type: 'pin', room: 'Dev', msg: 'm7' });
    assert.deepEqual(pinRequest(dev, 'm7', false), { type: 'unpin', room: 'Dev', msg: 'm7' });
    model.receive(message(1, 'bob', 'hi', '@alice,bob', { to: 'alice' }));
    assert.deepEqual(pinsRequest(model.conv('@alice,bob')), { type: 'pins', room: '@alice,bob' });
    assert.equal(pinAnswer(true, { type: 'ok' }), null);
    assert.equal(pinAnswer(true, { type: 'error', code: 'forbidden', message: 'only moderators' }), 'Could not pin: only moderators');
    assert.equal(pinAnswer(false, { type: 'error', code: 'too_many_pins' }), 'Could not unpin: too_many_pins');
  });

  test('the pins answer fills the panel, newest pin first, and the pinned ids with it; an error leaves them', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'hi', '@alice,bob', { to: 'alice' }));
    const direct = model.conv('@alice,bob');
    assert.deepEqual(pinnedIds(direct), [], 'a private conversation has no room frame: unknown until asked');
    const answer = {
      type: 'ok', re: 'q', room: '@alice,bob', pins: [
        { type: 'message', id: 'm9', seq: 9, room: '@alice,bob', from: 'bob', text: 'the plan', ts: ts(9), pinnedBy: 'alice', pinnedAt: ts(20) },
        { type: 'message', id: 'm4', seq: 4, room: '@alice,bob', from: 'alice', text: 'x'.repeat(500), ts: ts(4), pinnedBy: 'bob', pinnedAt: ts(10), truncated: true },
        { type: 'message', id: 'm2', seq: 2, room: '@alice,bob', from: 'bob', text: '', file: { id: 'f1', name: 'report.pdf' }, ts: ts(2), pinnedBy: 'bob', pinnedAt: ts(5) },
      ],
    };
    direct.pinsStale = true;
    assert.equal(takePins(direct, answer), null);
    assert.deepEqual(pinnedIds(direct), ['m9', 'm4', 'm2']);
    assert.equal(direct.pinsStale, false);
    assert.deepEqual(direct.pinsList.map(pinLine), ['#9 bob: the plan', `#4 alice: ${'x'.repeat(500)}…`, '#2 bob: [file] report.pdf']);
    assert.equal(direct.pinsList[0].pinnedBy, 'alice');

    direct.pinsStale = true;
    assert.equal(takePins(direct, { type: 'error', code: 'no_such_room', message: 'there is no room' }), 'Could not load the pinned messages: there is no room');
    assert.deepEqual(pinnedIds(direct), ['m9', 'm4', 'm2']);
    assert.equal(direct.pinsStale, false, 'an error is not asked again at every render');
  });

  test('a pin arriving marks the panel stale, so an open panel asks again', () => {
    const { model } = signedIn();
    model.receive(roomFrame('dev'));
    const dev = model.conv('dev');
    takePins(dev, { type: 'ok', room: 'dev', pins: [] });
    assert.equal(dev.pinsStale, false);
    model.receive({ type: 'pinned', room: 'dev', msg: 'm1', seq: 1, by: 'alice', ts: ts(1) });
    assert.equal(dev.pinsStale, true);
  });
});
