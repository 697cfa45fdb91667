// The room list in pages (src/Piazza.Server/wwwroot/room-list.js): /rooms asks for the first page, /rooms more
// follows the server's `next` cursor, and the last page ends the walk (issue 11: rooms without bound).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RoomListPager, ROOMS_PAGE, formatRoom } from '../../src/Piazza.Server/wwwroot/room-list.js';
import { parseInput } from '../../src/Piazza.Server/wwwroot/commands.js';

describe('the room list in pages', () => {
  test('/rooms and /rooms more parse; anything else shows the usage', () => {
    assert.deepEqual(parseInput('/rooms'), { kind: 'rooms', more: false });
    assert.deepEqual(parseInput('/LIST more'), { kind: 'rooms', more: true });
    assert.deepEqual(parseInput('/rooms everything'), { kind: 'usage', text: 'Usage: /rooms [more]' });
  });

  test('a walk follows next until the last page, and every room is shown once', () => {
    const pager = new RoomListPager();
    assert.deepEqual(pager.request(false).frame, { type: 'rooms', limit: ROOMS_PAGE });
    const first = pager.lines({ type: 'ok', rooms: [{ room: 'a', members: 2, joined: true, topic: 'hi' }, { room: 'b', members: 0 }], next: 'b' });
    assert.deepEqual(first, ['Rooms (2, more with /rooms more):', 'a · 2 present · joined · topic: hi', 'b · 0 present']);

    assert.deepEqual(pager.request(true).frame, { type: 'rooms', limit: ROOMS_PAGE, cursor: 'b' });
    assert.deepEqual(pager.lines({ type: 'ok', rooms: [{ room: 'c', members: 1 }] }), ['Rooms (1):', 'c · 1 present']);

    // Past the last page /rooms more says so instead of starting over; /rooms starts over.
    assert.equal(pager.request(true).error, 'No more rooms: /rooms lists them from the start.');
    assert.deepEqual(pager.request(false).frame, { type: 'rooms', limit: ROOMS_PAGE });
  });

  test('a refusal is shown and keeps the place', () => {
    const pager = new RoomListPager();
    pager.lines({ type: 'ok', rooms: [], next: 'x' });
    assert.deepEqual(pager.lines({ type: 'error', code: 'rate_limited', message: 'too many frames' }), ['Could not list rooms: too many frames']);
    assert.equal(pager.request(true).frame.cursor, 'x');
    assert.equal(formatRoom({ room: 'q' }), 'q · 0 present');
  });
});
