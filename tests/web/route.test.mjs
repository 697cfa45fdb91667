// Conversations as addresses (src/Piazza.Server/wwwroot/route.js): what a #/room/… or #/dm/… address asks for.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, routeOf, sameRoute } from '../../src/Piazza.Server/wwwroot/route.js';
import { Conversation } from '../../src/Piazza.Server/wwwroot/conversation.js';

describe('conversation addresses', () => {
  test('a room and a private conversation have their own address', () => {
    assert.equal(routeOf(new Conversation('dev', 'Dev')), '#/room/Dev');
    const direct = new Conversation('@alice,bob', '@bob');
    direct.peer = 'bob';
    assert.equal(routeOf(direct), '#/dm/bob');
    assert.equal(routeOf(null), '');
  });

  test('names outside ASCII survive the round trip', () => {
    const room = new Conversation('café.ñ', 'café.ñ');
    assert.equal(routeOf(room), '#/room/caf%C3%A9.%C3%B1');
    assert.deepEqual(parseRoute(routeOf(room)), { kind: 'room', name: 'café.ñ' });
    // A decomposed é (e + U+0301) is the same name once composed, as the server takes it.
    assert.deepEqual(parseRoute('#/room/cafe%CC%81'), { kind: 'room', name: 'café' });
  });

  test('an address is read as a room, a private conversation or nothing', () => {
    assert.deepEqual(parseRoute('#/room/dev'), { kind: 'room', name: 'dev' });
    assert.deepEqual(parseRoute('#/dm/bob'), { kind: 'dm', user: 'bob' });
    assert.deepEqual(parseRoute('#/dm/@bob'), { kind: 'dm', user: 'bob' });
    assert.deepEqual(parseRoute(''), { kind: 'none' });
    assert.deepEqual(parseRoute('#'), { kind: 'none' });
    assert.deepEqual(parseRoute('#/'), { kind: 'none' });
  });

  test('the short forms people type by habit are understood', () => {
    assert.deepEqual(parseRoute('#dev'), { kind: 'room', name: 'dev' });
    assert.deepEqual(parseRoute('#@bob'), { kind: 'dm', user: 'bob' });
  });

  test('a bad address says what is wrong with it', () => {
    assert.match(parseRoute('#/room/bad%20name!').text, /^“bad name!” is not a room name: room names are 1 to 64/);
    assert.match(parseRoute('#/room/').text, /is not a room name/);
    assert.match(parseRoute(`#/room/${'x'.repeat(65)}`).text, /is not a room name/);
    assert.match(parseRoute(`#/dm/${'x'.repeat(33)}`).text, /is not a user name: user names are 1 to 32/);
    assert.match(parseRoute('#/dm/a%2Fb').text, /“a\/b” is not a user name/);
    assert.match(parseRoute('#/room/%E0%A4%A').text, /not valid URL encoding/);
    assert.match(parseRoute('#/settings/x').text, /is not a conversation address/);
    for (const hash of ['#/room/bad%20name!', '#/dm/a%2Fb', '#/nope/x']) assert.equal(parseRoute(hash).kind, 'bad');
  });

  test('two addresses of one conversation are the same whatever the case', () => {
    assert.equal(sameRoute('#/room/Dev', '#/room/dev'), true);
    assert.equal(sameRoute('#dev', '#/room/DEV'), true);
    assert.equal(sameRoute('#/dm/Bob', '#/dm/bob'), true);
    assert.equal(sameRoute('#/room/bob', '#/dm/bob'), false);
    assert.equal(sameRoute('', '#/'), true);
  });
});
