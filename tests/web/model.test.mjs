// The web client's state without a browser: frames in, state out (src/Piazza.Server/wwwroot/model.js).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { newModel, welcome, signedIn, message, history, joined, left, texts, lines, ts } from './frames.mjs';

describe('signing in', () => {
  test('the hello carries the credentials, and a token once the server gave one', () => {
    const model = newModel();
    model.signIn({ mode: 'register', user: 'alice', password: 'secret-password' });
    assert.deepEqual(model.hello(), { type: 'register', user: 'alice', password: 'secret-password', protocol: 1, client: 'piazza-web/0.1' });
    model.signIn({ mode: 'guest', user: 'dave' });
    assert.deepEqual(model.hello(), { type: 'hello', user: 'dave', resume: {}, protocol: 1, client: 'piazza-web/0.1' });

    model.signIn({ mode: 'login', user: 'alice', password: 'secret-password' });
    const effects = model.welcome(welcome({ token: 'tok-42' }));
    assert.deepEqual(effects.filter((e) => e.kind === 'remember'), [{ kind: 'remember', token: 'tok-42' }]);
    assert.equal(model.hello().token, 'tok-42');
    assert.equal(model.hello().password, undefined);
    assert.equal(model.myKey, 'alice');
    assert.equal(model.active, 'lobby');
  });

  test('a guest is keyed with ~ and gets no token', () => {
    const { model, effects } = signedIn({ user: 'Dave', registered: false });
    assert.equal(model.myKey, '~dave');
    assert.equal(effects.some((e) => e.kind === 'remember'), false);
  });

  test('a refused hello says why; a refused remembered token is forgotten', () => {
    const model = newModel();
    model.signIn({ mode: 'login', user: 'alice', password: 'wrong-password' });
    assert.deepEqual(model.refusal({ type: 'error', code: 'auth_failed' }), {
      text: 'Wrong password, or there is no account called “alice”. New here? Register creates it with the password you typed.', forgetToken: false, field: 'password',
    });
    assert.equal(model.refusal({ type: 'error', code: 'rate_limited', retryAfter: 30 }).text, 'Too many sign-in attempts from here, or the server is busy: wait 30 seconds, then try again.');
    assert.equal(model.refusal({ type: 'error', code: 'bad_name', message: 'mixed scripts' }).text, 'That name is not allowed: mixed scripts.');

    model.signIn({ token: 'expired' });
    assert.deepEqual(model.refusal({ type: 'error', code: 'auth_failed' }), { text: '', forgetToken: true, field: null });
    const { model: signed } = signedIn();
    assert.deepEqual(signed.refusal({ type: 'error', code: 'auth_failed' }), { text: 'Your session has ended: please log in again.', forgetToken: true, field: null });
  });

  test('clear forgets the session', () => {
    const { model } = signedIn();
    model.receive(message(1, 'bob', 'hi'));
    model.compose('bye');
    model.clear();
    assert.equal(model.me, null);
    assert.equal(model.convs.size, 0);
    assert.equal(model.pending.size, 0);
    assert.equal(model.activeConv, null);
  });

  test('every change is announced to the subscribers', () => {
    const { model } = signedIn();
    let calls = 0;
    const unsubscribe = model.subscribe(() => { calls += 1; });
    model.receive(message(1, 'bob', 'hi'));
    model.setStatus('offline', '2');
    unsubscribe();
    model.receive(message(2, 'bob', 'again'));
    assert.equal(calls, 2);
  });
});

describe('rooms and people', () => {
  test('a room frame sets topic, owner, moderators and the people present', () => {
    const { model } = signedIn();
    model.receive({ type: 'room', room: 'Dev', topic: 'ship it', owner: 'alice', users: [{ user: 'alice' }, { user: 'bob' }], moderators: ['bob'], locked: false });
    const dev = model.conv('dev');
    assert.equal(dev.name, 'Dev');
    assert.equal(dev.topic, 'ship it');
    assert.equal(dev.owner, 'alice');
    assert.deepEqual(dev.users.map((u) => u.user), ['alice', 'bob']);
    assert.equal(dev.locked, false);
    assert.equal(model.canModerate(dev), true);
    assert.equal(model.canModerate(model.conv('lobby')), false);
  });

  test('someone joining is listed once and announced', () => {
    const { model } = signedIn();
    model.receive(joined('lobby', 'bob'));
    model.receive(joined('LOBBY', 'Bob', 2));
    const lobby = model.conv('lobby');
    assert.deepEqual(lobby.users.map((u) => u.user), ['alice', 'bob']);
    assert.deepEqual(lines(lobby), ['bob joined', 'Bob joined']);
  });

  test('someone leaving is unlisted, with the reason and who removed them', () => {
    const { model } = signedIn({ users: ['alice', 'bob', 'carol', 'dave'] });
    model.receive(left('lobby', 'bob', 'kicked', { by: 'alice', message: 'enough' }));
    model.receive(left('lobby', 'carol', 'timeout'));
    model.receive(left('lobby', 'dave', 'something new'));
    const lobby = model.conv('lobby');
    assert.deepEqual(lobby.users.map((u) => u.user), ['alice']);
    assert.deepEqual(lines(lobby), ['bob was removed by alice (enough)', 'carol timed out', 'dave left']);
  });

  test('a kick from the whole server says so, not only the room', () => {
    const { model } = signedIn({ users: ['alice', 'bob'] });
    model.receive(left('lobby', 'bob', 'kicked', { by: 'root', message: 'spam', scope: 'server' }));
    assert.deepEqual(lines(model.conv('lobby')), ['bob was removed from the server by root (spam)']);
  });

  test('leaving on another device closes the room here; the open conversation falls back to the lobby', () => {
    const { model } = signedIn({ rooms: ['lobby', 'dev'] });
    model.activate('dev');
    model.receive(left('dev', 'alice', 'left'));
    assert.equal(model.conv('dev'), null);
    assert.equal(model.active, 'lobby');
  });

  test('a room moderator removing us closes that room only and says so', () => {
    const { model } = signedIn({ rooms: ['lobby', 'dev'] });
    const effects = model.receive(left('dev', 'alice', 'kicked', { by: 'bob', message: 'spam' }));
    assert.deepEqual(effects, []);
    assert.equal(model.conv('dev'), null);
    assert.deepEqual(lines(model.conv('lobby')), ['You were kicked from dev by bob: spam']);
  });

  test('being removed from the server stops the connection for good', () => {
    const { model } = signedIn();
    assert.deepEqual(model.receive({ type: 'kicked', by: 'operator', reason: 'bye' }), [{ kind: 'stop', text: 'Disconnected by operator: bye' }]);
    assert.equal(model.ended, true);
    assert.deepEqual(model.receive(left('lobby', 'alice', 'kicked')), []);
    const other = signedIn().model;
    assert.deepEqual(other.receive(left('lobby', 'alice', 'kicked', { message: 'maintenance' })), [{ kind: 'stop', text: 'Removed by the operator: maintenance' }]);
  });

  test('a topic change is kept and announced; an empty one clears it', () => {
    const { model } = signedIn();
    model.receive({ type: 'topic', room: 'lobby', topic: 'Lunch at noon', by: 'bob', ts: ts(3) });
    assert.equal(model.conv('lobby').topic, 'Lunch at noon');
    model.receive({ type: 'topic', room: 'lobby', topic: '', by: 'carol', ts: ts(4) });
    assert.equal(model.conv('lobby').topic, '');
    assert.deepEqual(lines(model.conv('lobby')), ['bob set the topic: Lunch at noon', 'carol cleared the topic']);
  });

  test('mutes and moderator changes are announced; a new moderator may moderate', () => {
    const { model } = signedIn({ rooms: ['lobby', 'dev'] });
    model.receive({ type: 'room', room: 'dev', owner: 'bob', users: [], moderators: [] });
    model.receive({ type: 'muted', room: 'dev', user: 'alice', by: 'bob', reason: 'calm down', ts: ts(5) });
    model.receive({ type: 'role', room: 'dev', user: 'alice', role: 'moderator', by: 'bob', ts: ts(6) });
    const dev = model.conv('dev');
    assert.deepEqual(lines(dev), ['You were muted by bob: calm down', 'bob made alice a moderator']);
    assert.equal(model.canModerate(dev), true);
    model.receive({ type: 'role', room: 'dev', user: 'alice', role: 'member', by: 'bob', ts: ts(7) });
    assert.equal(model.canModerate(dev), false);
  });

  test('the sidebar lists the lobby first, then rooms and private conversations by name', () => {
    const { model } = signedIn({ rooms: ['zeta', 'lobby', 'alpha'] });
    model.receive(message(1, 'bob', 'psst', '@alice,bob', { to: 'alice' }));
    const { rooms, directs, unread } = model.sidebar;
    assert.deepEqual(rooms.map((c) => c.key), ['lobby', 'alpha', 'zeta']);
    assert.deepEqual(directs.map((c) => c.peer), ['bob']);
    assert.equal(unread, 1);
  });
});
