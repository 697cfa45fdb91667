// Private rooms and invitations on the page (src/Piazza.Server/wwwroot/private-rooms.js and the frames that reach it):
// the room frame's mark, room_set, an invitation offered until taken up, and the requests /invite, /uninvite,
// /private and /create --private make.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, ts, lines } from './frames.mjs';
import { parseInput } from '../../src/Piazza.Server/wwwroot/commands.js';
import { invitationsOf, privateRoomRequest, privateRoomAnswer } from '../../src/Piazza.Server/wwwroot/private-rooms.js';

const roomFrame = (room, extra = {}) => ({ type: 'room', room, topic: '', owner: 'alice', users: [{ user: 'alice', since: ts(0) }], moderators: [], locked: true, ...extra });

describe('private rooms on the page', () => {
  test('the room frame marks a private room, and room_set changes the mark with a line saying who', () => {
    const { model } = signedIn();
    model.receive(roomFrame('ops', { private: true }));
    model.receive(roomFrame('dev'));
    assert.equal(model.conv('ops').private, true);
    assert.equal(model.conv('dev').private, false);

    model.receive({ type: 'room_set', room: 'dev', private: true, by: 'alice', ts: ts(3) });
    assert.equal(model.conv('dev').private, true);
    assert.match(lines(model.conv('dev')).at(-1), /^alice made this room private/);
    model.receive({ type: 'room_set', room: 'dev', private: false, by: 'bob', ts: ts(4) });
    assert.equal(model.conv('dev').private, false);
    assert.equal(lines(model.conv('dev')).at(-1), 'bob made this room public');
  });

  test('an invitation is offered once per room, said in the open conversation, and gone once the room is entered', () => {
    const { model } = signedIn({ user: 'bob' });
    model.receive({ type: 'invited', room: 'ops', by: 'alice', ts: ts(5) });
    model.receive({ type: 'invited', room: 'OPS', by: 'carol', ts: ts(6) });
    assert.deepEqual(invitationsOf(model), [{ room: 'OPS', by: 'carol', ts: ts(6) }]);
    assert.match(lines(model.activeConv).at(-1), /^carol invited you to #OPS: use the Join button, or type \/join OPS\./);

    model.receive(roomFrame('ops', { private: true }));
    assert.deepEqual(invitationsOf(model), []);
  });

  test('/create --private, /invite, /uninvite and /private parse into their requests; misuse shows the usage', () => {
    assert.deepEqual(parseInput('/create ops --private'), { kind: 'join', room: 'ops', private: true });
    assert.deepEqual(parseInput('/create ops'), { kind: 'usage', text: 'Usage: /create room --private' });
    assert.deepEqual(parseInput('/join ops'), { kind: 'join', room: 'ops' });
    assert.deepEqual(parseInput('/invite @bob'), { kind: 'private-room', command: 'invite', args: '@bob' });

    const room = { name: 'ops', key: 'ops', direct: false };
    assert.deepEqual(privateRoomRequest('invite', '@bob', room).frame, { type: 'invite', room: 'ops', user: 'bob' });
    assert.deepEqual(privateRoomRequest('uninvite', 'bob', room).frame, { type: 'uninvite', room: 'ops', user: 'bob' });
    assert.deepEqual(privateRoomRequest('private', 'ON', room).frame, { type: 'room_set', room: 'ops', private: true });
    assert.deepEqual(privateRoomRequest('private', 'off', room).frame, { type: 'room_set', room: 'ops', private: false });
    assert.equal(privateRoomRequest('private', 'maybe', room).error, 'Usage: /private on|off');
    assert.equal(privateRoomRequest('invite', '', room).error, 'Usage: /invite name');
    assert.equal(privateRoomRequest('invite', 'bob', { name: '@alice,bob', key: '@alice,bob', direct: true }).error, '/invite works in a room.');
  });

  test('the answers read as sentences; a refusal says why', () => {
    const frame = { type: 'invite', room: 'ops', user: 'bob' };
    assert.equal(privateRoomAnswer('invite', frame, { type: 'ok', room: 'ops', user: 'bob' }), 'Invited bob to #ops: they can join once.');
    assert.equal(privateRoomAnswer('uninvite', frame, { type: 'ok', room: 'ops', user: 'bob' }), 'bob is no longer invited to #ops.');
    assert.equal(privateRoomAnswer('invite', frame, { type: 'error', code: 'forbidden', message: "only the owner and moderators of 'ops' can invite to it" }),
      "Could not invite bob: only the owner and moderators of 'ops' can invite to it");
    assert.equal(privateRoomAnswer('private', { type: 'room_set', room: 'ops', private: true }, { type: 'ok' }), null);
  });
});
