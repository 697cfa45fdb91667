// The "Tokens and sessions" panel's model (src/Piazza.Server/wwwroot/tokens.js): the list answers, the create form's
// checks and the one-time secret, revokes and their refusals; and the `bot` mark carried to messages and people.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, ts, message, history } from './frames.mjs';
import { TokensModel, createRequest, refusalText, whenText } from '../../src/Piazza.Server/wwwroot/tokens.js';

/** A fake connection: answers come from `answers[type]` (a value or a function of the frame); every frame is kept. */
function fakeRequest(answers) {
  const sent = [];
  const request = async (frame) => {
    sent.push(frame);
    const answer = answers[frame.type];
    return typeof answer === 'function' ? answer(frame) : (answer ?? { type: 'error', code: 'bad_request', message: 'unexpected' });
  };
  return { sent, request };
}

const sessionsAnswer = {
  type: 'ok',
  sessions: [
    { id: 'aa11', label: 'http curl/8.5.0', created: ts(0), lastUsed: ts(10), expires: ts(100) },
    { id: 'bb22', label: 'piazza-web/0.1 (websocket)', created: ts(5), lastUsed: ts(5), expires: ts(100), current: true },
    { id: 'cc33', label: 'piazza-tui/0.1 (tcp)', created: ts(1), lastUsed: ts(20), expires: ts(100) },
  ],
};
const tokensAnswer = { type: 'ok', tokens: [{ name: 'deploy', scopes: ['read', 'send'], created: ts(0), lastUsed: ts(3) }, { name: 'ci', scopes: ['read'], created: ts(1), expires: ts(90) }] };

describe('tokens and sessions panel', () => {
  test('loading lists the sessions (this device first, then the most recently used) and the tokens by name', async () => {
    const { sent, request } = fakeRequest({ sessions: sessionsAnswer, tokens: tokensAnswer });
    const model = new TokensModel(request);
    let renders = 0;
    model.subscribe(() => renders++);
    await model.load();
    assert.deepEqual(sent.map((f) => f.type).sort(), ['sessions', 'tokens']);
    assert.deepEqual(model.sessions.map((s) => s.id), ['bb22', 'cc33', 'aa11']);
    assert.equal(model.sessions[0].current, true);
    assert.deepEqual(model.others.map((s) => s.id), ['cc33', 'aa11']);
    assert.deepEqual(model.tokens.map((t) => t.name), ['ci', 'deploy']);
    assert.deepEqual(model.tokens[0], { name: 'ci', scopes: ['read'], created: ts(1), lastUsed: null, expires: ts(90) });
    assert.equal(model.error, '');
    assert.ok(model.loaded && !model.busy && renders >= 2);
  });

  test('the create form is checked before a round trip: name, at least one scope, days 1 to 3650 or empty', () => {
    assert.deepEqual(createRequest(' ci-bot ', ['send', 'read'], ''), { frame: { type: 'token_create', name: 'ci-bot', scopes: ['read', 'send'] } });
    assert.deepEqual(createRequest('ci', ['moderate'], '30'), { frame: { type: 'token_create', name: 'ci', scopes: ['moderate'], days: 30 } });
    assert.match(createRequest('', ['read'], '').error, /1 to 40/);
    assert.match(createRequest('has space', ['read'], '').error, /1 to 40/);
    assert.match(createRequest('x'.repeat(41), ['read'], '').error, /1 to 40/);
    assert.match(createRequest('ci', [], '').error, /at least one scope/);
    for (const days of ['0', '3651', '1.5', 'soon']) assert.match(createRequest('ci', ['read'], days).error, /1 to 3650/, days);
  });

  test('a created token shows its secret once and joins the list; dismissing forgets the secret', async () => {
    const { sent, request } = fakeRequest({
      sessions: sessionsAnswer, tokens: tokensAnswer,
      token_create: (f) => ({ type: 'ok', re: f.id, token: 'secret-xyz', tokens: [{ name: f.name, scopes: f.scopes, created: ts(9), expires: ts(99) }] }),
    });
    const model = new TokensModel(request);
    await model.load();
    assert.equal(await model.create('bot1', ['read', 'send'], '7'), true);
    assert.deepEqual(sent.at(-1), { type: 'token_create', name: 'bot1', scopes: ['read', 'send'], days: 7 });
    assert.deepEqual(model.secret, { name: 'bot1', token: 'secret-xyz' });
    assert.deepEqual(model.tokens.map((t) => t.name), ['bot1', 'ci', 'deploy']);
    assert.ok(model.tokens.every((t) => !('token' in t)), 'a listing never holds a secret');
    model.dismissSecret();
    assert.equal(model.secret, null);
  });

  test('a refused or invalid create shows why and sends nothing when the form is wrong', async () => {
    const { sent, request } = fakeRequest({ token_create: { type: 'error', code: 'name_taken', message: 'a live token has that name' } });
    const model = new TokensModel(request);
    assert.equal(await model.create('ci', [], ''), false);
    assert.equal(sent.length, 0);
    assert.match(model.error, /at least one scope/);
    assert.equal(await model.create('ci', ['read'], ''), false);
    assert.match(model.error, /exists already/);
    assert.equal(model.secret, null);
  });

  test('a refused create keeps the secret not yet dismissed; the next created token replaces it', async () => {
    let n = 0;
    const { request } = fakeRequest({
      token_create: (f) => (f.name === 'taken' ? { type: 'error', code: 'name_taken', message: 'taken' }
        : { type: 'ok', token: `secret-${++n}`, tokens: [{ name: f.name, scopes: f.scopes, created: ts(n) }] }),
    });
    const model = new TokensModel(request);
    await model.create('one', ['read'], '');
    await model.create('taken', ['read'], '');
    assert.deepEqual(model.secret, { name: 'one', token: 'secret-1' });
    await model.create('two', ['read'], '');
    assert.deepEqual(model.secret, { name: 'two', token: 'secret-2' });
    assert.equal(model.error, '');
  });

  test('a session signed in with a named token is refused: the panel says a password session is needed', async () => {
    const forbidden = { type: 'error', code: 'forbidden', message: "'sessions' needs a password session" };
    const { request } = fakeRequest({ sessions: forbidden, tokens: { ...forbidden, message: "'tokens' needs a password session" } });
    const model = new TokensModel(request);
    await model.load();
    assert.match(model.error, /only a session signed in with a password/);
    assert.deepEqual(model.sessions, []);
    assert.match(refusalText({ type: 'error', code: 'forbidden', message: 'you may have at most 50 tokens' }), /at most 50 tokens/);
    assert.match(refusalText({ type: 'error', code: 'weird', message: 'odd' }), /odd/);
    assert.match(refusalText({ type: 'error', code: 'offline' }), /Not connected/);
  });

  test('revoking a token drops it; revoking a session drops it; signing out the others keeps this device', async () => {
    const { sent, request } = fakeRequest({
      sessions: sessionsAnswer, tokens: tokensAnswer,
      token_revoke: { type: 'ok' }, session_revoke: (f) => ({ type: 'ok', count: f.others ? 2 : 1 }),
    });
    const model = new TokensModel(request);
    await model.load();
    await model.revokeToken('ci');
    assert.deepEqual(sent.at(-1), { type: 'token_revoke', name: 'ci' });
    assert.deepEqual(model.tokens.map((t) => t.name), ['deploy']);
    assert.match(model.note, /“ci” revoked/);
    await model.revokeSession('aa11');
    assert.deepEqual(sent.at(-1), { type: 'session_revoke', session: 'aa11' });
    assert.deepEqual(model.sessions.map((s) => s.id), ['bb22', 'cc33']);
    await model.revokeOthers();
    assert.deepEqual(sent.at(-1), { type: 'session_revoke', others: true });
    assert.deepEqual(model.sessions.map((s) => s.id), ['bb22']);
    assert.equal(model.note, 'Signed out 2 other devices.');
    assert.deepEqual(model.others, []);
  });

  test('revoking what is gone already says so and reloads the lists', async () => {
    let listed = 0;
    const { request } = fakeRequest({
      sessions: sessionsAnswer, tokens: () => (listed++ === 0 ? tokensAnswer : { type: 'ok', tokens: [] }),
      token_revoke: { type: 'error', code: 'not_found', message: 'no such token' },
    });
    const model = new TokensModel(request);
    await model.load();
    await model.revokeToken('ci');
    assert.match(model.error, /gone already/);
    assert.deepEqual(model.tokens, []);
  });

  test('times are shown readably, with a fallback for none', () => {
    assert.equal(whenText(null, 'never'), 'never');
    assert.equal(whenText('garbage'), '—');
    assert.equal(whenText(ts(0), '', (d) => d.toISOString()), ts(0));
  });
});

describe('bots on the page', () => {
  test('a bot message keeps its mark from live messages and history; a person\'s has none', () => {
    const { model } = signedIn();
    model.receive(history('lobby', [message(1, 'ci', 'build 1 passed', 'lobby', { bot: true }), message(2, 'bob', 'nice')]));
    model.receive(message(3, 'ci', 'build 2 passed', 'lobby', { bot: true }));
    const items = model.conv('lobby').items.filter((i) => i.kind === 'msg');
    assert.deepEqual(items.map((i) => [i.from, i.bot]), [['ci', true], ['bob', false], ['ci', true]]);
  });

  test('a bot in the people list keeps its mark when it joins', () => {
    const { model } = signedIn();
    model.receive({ type: 'joined', room: 'lobby', user: 'ci', ts: ts(1), bot: true });
    model.receive({ type: 'joined', room: 'lobby', user: 'bob', ts: ts(2) });
    const users = model.conv('lobby').users;
    assert.equal(users.find((u) => u.user === 'ci').bot, true);
    assert.equal(users.find((u) => u.user === 'bob').bot, false);
  });
});
