// A room's retention on the page (src/Piazza.Server/wwwroot/retention.js and the frames that reach it): the room
// frame's setting, the `retention` notice line, and the header's words.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, ts, lines } from './frames.mjs';
import { describeRetention, retentionText } from '../../src/Piazza.Server/wwwroot/retention.js';

const roomFrame = (room, extra = {}) => ({ type: 'room', room, topic: '', owner: 'alice', users: [{ user: 'alice', since: ts(0) }], moderators: [], locked: true, ...extra });

describe('retention on the page', () => {
  test('the room frame keeps the setting, and the header says how long messages are kept', () => {
    const { model } = signedIn();
    model.receive(roomFrame('dev', { retentionDays: 90, retentionSource: 'server' }));
    model.receive(roomFrame('old'));
    assert.deepEqual(model.conv('dev').retention, { days: 90, room: false });
    assert.equal(retentionText(model.conv('dev')), 'Messages kept for 90 days (server setting)');
    assert.equal(model.conv('old').retention, null);
    assert.equal(retentionText(model.conv('old')), '');
  });

  test('a retention frame changes the setting and adds a line saying who set it to what', () => {
    const { model } = signedIn({ user: 'bob' });
    model.receive(roomFrame('dev', { retentionDays: 90, retentionSource: 'server' }));
    model.receive({ type: 'retention', room: 'dev', retentionDays: 30, retentionSource: 'room', by: 'alice', ts: ts(2) });
    assert.deepEqual(model.conv('dev').retention, { days: 30, room: true });
    assert.equal(lines(model.conv('dev')).at(-1), 'alice set #dev to keep messages for 30 days');
    assert.equal(retentionText(model.conv('dev')), 'Messages kept for 30 days');

    model.receive({ type: 'retention', room: 'DEV', retentionDays: 0, retentionSource: 'room', by: 'alice', ts: ts(3) });
    assert.equal(lines(model.conv('dev')).at(-1), 'alice set #dev to keep messages for good');
    assert.equal(retentionText(model.conv('dev')), 'Messages kept for good');

    model.receive({ type: 'retention', room: 'dev', retentionDays: 90, retentionSource: 'server', by: 'carol', ts: ts(4) });
    assert.equal(lines(model.conv('dev')).at(-1), "carol set #dev to follow the server's retention (90 days)");

    // A room this page is not in, or a frame without the days, changes nothing.
    const count = lines(model.conv('dev')).length;
    model.receive({ type: 'retention', room: 'elsewhere', retentionDays: 1, retentionSource: 'room', by: 'x', ts: ts(5) });
    model.receive({ type: 'retention', room: 'dev', by: 'x', ts: ts(6) });
    assert.equal(lines(model.conv('dev')).length, count);
    assert.equal(model.conv('elsewhere') ?? null, null);
  });

  test('the words match the server and terminal client', () => {
    assert.equal(describeRetention({ days: 1, room: true }), 'to keep messages for 1 day');
    assert.equal(describeRetention({ days: 0, room: false }), "to follow the server's retention (messages kept for good)");
  });
});
