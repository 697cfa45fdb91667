// The composer's slash commands (src/Piazza.Server/wwwroot/commands.js): what a typed line asks for.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseInput, moderationRequest, helpText, HELP, MOD_HELP, ROOM_NAME } from '../../src/Piazza.Server/wwwroot/commands.js';

describe('parsing a typed line', () => {
  test('plain text is a message; a doubled slash sends a slash', () => {
    assert.deepEqual(parseInput('hello /world'), { kind: 'say', text: 'hello /world' });
    assert.deepEqual(parseInput('//shrug'), { kind: 'say', text: '/shrug' });
  });

  test('commands and their short forms, in any case', () => {
    assert.deepEqual(parseInput('/join dev'), { kind: 'join', room: 'dev' });
    assert.deepEqual(parseInput('/J #dev '), { kind: 'join', room: '#dev' });
    assert.deepEqual(parseInput('/leave'), { kind: 'leave', room: null });
    assert.deepEqual(parseInput('/part dev'), { kind: 'leave', room: 'dev' });
    assert.deepEqual(parseInput('/topic  Onboarding v2 '), { kind: 'topic', topic: 'Onboarding v2' });
    assert.deepEqual(parseInput('/help'), { kind: 'help' });
    assert.deepEqual(parseInput('/LOCK'), { kind: 'lock', locked: true });
    assert.deepEqual(parseInput('/unlock'), { kind: 'lock', locked: false });
    assert.deepEqual(parseInput('/del @bob'), { kind: 'delete', name: '@bob' });
    assert.deepEqual(parseInput('/delete'), { kind: 'delete', name: '' });
    assert.deepEqual(parseInput('/frobnicate now'), { kind: 'unknown', command: 'frobnicate' });
  });

  test('/msg takes a name and the rest of the line, new lines included', () => {
    assert.deepEqual(parseInput('/msg dave hello dave'), { kind: 'msg', who: 'dave', text: 'hello dave' });
    assert.deepEqual(parseInput('/query dave line one\nline two'), { kind: 'msg', who: 'dave', text: 'line one\nline two' });
    assert.deepEqual(parseInput('/msg dave'), { kind: 'msg', who: 'dave', text: '' });
    assert.deepEqual(parseInput('/msg'), { kind: 'usage', text: 'Usage: /msg name text' });
  });

  test('moderation commands keep their arguments for moderationRequest', () => {
    assert.deepEqual(parseInput('/Kick bob enough'), { kind: 'moderate', command: 'kick', args: 'bob enough' });
    assert.deepEqual(parseInput('/gban 10.0.0.7 1d'), { kind: 'moderate', command: 'gban', args: '10.0.0.7 1d' });
  });

  test('help mentions moderation only to those who may moderate', () => {
    assert.equal(helpText(false), HELP);
    assert.equal(helpText(true), `${HELP} ${MOD_HELP}`);
  });

  test('room names are what the server accepts', () => {
    assert.ok(ROOM_NAME.test('design-v2.final_ok'));
    assert.ok(ROOM_NAME.test('café'));
    assert.ok(!ROOM_NAME.test('two words'));
    assert.ok(!ROOM_NAME.test('x'.repeat(65)));
  });
});

describe('moderation requests', () => {
  const room = { key: 'dev', name: 'Dev', direct: false };
  const direct = { key: '@alice,bob', name: '@bob', direct: true };

  test('a kick in a room carries its reason', () => {
    assert.deepEqual(moderationRequest('kick', '@bob enough spam', room), { frame: { type: 'kick', room: 'Dev', user: 'bob', reason: 'enough spam' }, type: 'kick', target: 'bob' });
  });

  test('a ban or mute reads a duration in s, m, h, d or w before the reason', () => {
    assert.deepEqual(moderationRequest('ban', 'bob 2h flooding', room).frame, { type: 'ban', room: 'Dev', user: 'bob', duration: 7200, reason: 'flooding' });
    assert.deepEqual(moderationRequest('mute', 'bob 30', room).frame, { type: 'mute', room: 'Dev', user: 'bob', duration: 30 });
    assert.deepEqual(moderationRequest('mute', 'bob 1w', room).frame, { type: 'mute', room: 'Dev', user: 'bob', duration: 604800 });
    assert.deepEqual(moderationRequest('ban', 'bob forever and ever', room).frame, { type: 'ban', room: 'Dev', user: 'bob', reason: 'forever and ever' });
  });

  test('commands without a reason drop the rest', () => {
    assert.deepEqual(moderationRequest('unban', 'bob please', room).frame, { type: 'unban', room: 'Dev', user: 'bob' });
    assert.deepEqual(moderationRequest('op', 'carol', room).frame, { type: 'op', room: 'Dev', user: 'carol' });
  });

  test('server-wide commands work anywhere; an address means an address ban', () => {
    assert.deepEqual(moderationRequest('gban', '10.0.0.7 1d abuse', direct).frame, { type: 'ban', address: '10.0.0.7', duration: 86400, reason: 'abuse' });
    assert.deepEqual(moderationRequest('gunban', '2001:db8::1', null).frame, { type: 'unban', address: '2001:db8::1' });
    assert.deepEqual(moderationRequest('gkick', 'mallory', null).frame, { type: 'kick', user: 'mallory' });
  });

  test('a missing name or a room command outside a room is explained', () => {
    assert.deepEqual(moderationRequest('ban', '', room), { error: 'Usage: /ban name [duration] [reason]' });
    assert.deepEqual(moderationRequest('kick', '  ', room), { error: 'Usage: /kick name' });
    assert.deepEqual(moderationRequest('kick', 'bob', direct), { error: '/kick works in a room.' });
    assert.deepEqual(moderationRequest('mute', 'bob', null), { error: '/mute works in a room.' });
  });
});
