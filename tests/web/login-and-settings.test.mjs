// The sign-in form's words and retry policy (refusals.js) and the settings with their one notification (settings.js).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { describeRefusal, retriesRefusal, checkLoginForm } from '../../src/Piazza.Server/wwwroot/refusals.js';
import { readSettings, writeSettings, notificationFor, notificationState, SETTINGS_KEY } from '../../src/Piazza.Server/wwwroot/settings.js';

const fromForm = (mode, user = 'carol') => ({ usedToken: false, wasSignedIn: false, mode, user });

describe('the sign-in form', () => {
  test('each refusal says what went wrong for the way the person signed in, and which field to fix', () => {
    assert.deepEqual(describeRefusal({ code: 'auth_failed' }, fromForm('login')), {
      text: 'Wrong password, or there is no account called “carol”. New here? Register creates it with the password you typed.',
      forgetToken: false,
      field: 'password',
    });
    const taken = describeRefusal({ code: 'name_taken', message: "'carol' is already registered" }, fromForm('register'));
    assert.match(taken.text, /^The name “carol” is taken \(by an account, or by someone connected right now\): choose another, or log in/);
    assert.equal(taken.field, 'user');
    assert.equal(describeRefusal({ code: 'name_taken' }, fromForm('guest')).text, 'Someone called “carol” is connected right now: choose another name.');
    assert.match(describeRefusal({ code: 'name_reserved' }, fromForm('guest')).text, /^“carol” belongs to an account: log in with its password/);
    assert.equal(describeRefusal({ code: 'rate_limited', retryAfter: 29.2 }, fromForm('login')).text,
      'Too many sign-in attempts from here, or the server is busy: wait 30 seconds, then try again.');
    assert.match(describeRefusal({ code: 'rate_limited', retryAfter: 1 }, fromForm('login')).text, /wait 1 second, then/);
    assert.equal(describeRefusal({ code: 'banned', message: 'spam until tomorrow' }, fromForm('login')).text, 'You are banned from this server: spam until tomorrow.');
    assert.equal(describeRefusal({ code: 'something_new', message: 'the server says why' }, fromForm('login')).text, 'the server says why');
  });

  test('a refused remembered token is forgotten and points at no field', () => {
    assert.deepEqual(describeRefusal({ code: 'auth_failed' }, { usedToken: true, wasSignedIn: true }), { text: 'Your session has ended: please log in again.', forgetToken: true, field: null });
  });

  test('a sign-in from the form shows every refusal; a resumed session waits out a busy server', () => {
    for (const code of ['rate_limited', 'server_error', 'unavailable', 'name_taken', 'auth_failed']) {
      assert.equal(retriesRefusal({ code }, { resuming: false, attempt: 3 }), false, code);
    }
    assert.equal(retriesRefusal({ code: 'rate_limited' }, { resuming: true, attempt: 0 }), true);
    assert.equal(retriesRefusal({ code: 'unavailable' }, { resuming: true, attempt: 0 }), true);
    // A guest's name still held by its previous connection frees itself once the server notices it is gone.
    assert.equal(retriesRefusal({ code: 'name_taken' }, { resuming: true, attempt: 0 }), false);
    assert.equal(retriesRefusal({ code: 'name_taken' }, { resuming: true, attempt: 1 }), true);
    assert.equal(retriesRefusal({ code: 'auth_failed' }, { resuming: true, attempt: 1 }), false);
  });

  test('the form is checked before anything is sent: a typed password is counted, never called missing', () => {
    assert.deepEqual(checkLoginForm('login', '', 'whatever-long'), { field: 'user', text: 'Please enter a user name.' });
    assert.deepEqual(checkLoginForm('login', 'carol', ''), { field: 'password', text: 'Please enter your password.' });
    assert.deepEqual(checkLoginForm('register', 'carol', ''), { field: 'password', text: 'Choose a password of at least 8 characters.' });
    assert.deepEqual(checkLoginForm('register', 'carol', 'short'), { field: 'password', text: 'Choose a password of at least 8 characters: the one typed has 5.' });
    assert.deepEqual(checkLoginForm('login', 'carol', 'short'), { field: 'password', text: 'Passwords here are at least 8 characters: the one typed has 5.' });
    assert.equal(checkLoginForm('register', 'carol', 'long enough'), null);
    assert.equal(checkLoginForm('guest', 'carol', ''), null);
  });
});

/** localStorage's shape, in memory; `full` makes every write fail as a full or private-mode storage does. */
function memoryStorage(initial = {}, { full = false } = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => {
      if (full) throw new Error('QuotaExceededError');
      items.set(k, String(v));
    },
    items,
  };
}

describe('settings', () => {
  test('they start from the defaults, survive a round trip and ignore damaged or foreign values', () => {
    const storage = memoryStorage();
    assert.deepEqual(readSettings(storage), { notifyPrivate: false });
    assert.equal(writeSettings(storage, { notifyPrivate: true, unknown: 1 }), true);
    assert.equal(storage.items.get(SETTINGS_KEY), '{"notifyPrivate":true}');
    assert.deepEqual(readSettings(storage), { notifyPrivate: true });
    assert.deepEqual(readSettings(memoryStorage({ [SETTINGS_KEY]: '{not json' })), { notifyPrivate: false });
    assert.deepEqual(readSettings(memoryStorage({ [SETTINGS_KEY]: '{"notifyPrivate":"yes"}' })), { notifyPrivate: false });
    assert.deepEqual(readSettings(memoryStorage({ [SETTINGS_KEY]: '[true]' })), { notifyPrivate: false });
    assert.equal(writeSettings(memoryStorage({}, { full: true }), { notifyPrivate: true }), false);
  });

  const on = { me: 'alice', hidden: true, settings: { notifyPrivate: true }, permission: 'granted' };
  const privately = { type: 'message', room: '@alice,bob', from: 'bob', to: 'alice', text: 'are you there?', seq: 2 };

  test('a private message from someone else while the tab is hidden notifies, one per conversation', () => {
    assert.deepEqual(notificationFor(privately, on), { title: 'bob (private message)', body: 'are you there?', tag: '@alice,bob', from: 'bob' });
    const long = notificationFor({ ...privately, text: 'x'.repeat(500) }, on);
    assert.equal(long.body.length, 140);
    assert.ok(long.body.endsWith('…'));
    assert.equal(notificationFor({ ...privately, text: '', file: { name: 'plan.pdf' } }, on).body, 'shared a file: plan.pdf');
  });

  test('nothing notifies when visible, switched off, not allowed, our own, or in a room', () => {
    assert.equal(notificationFor(privately, { ...on, hidden: false }), null);
    assert.equal(notificationFor(privately, { ...on, settings: { notifyPrivate: false } }), null);
    assert.equal(notificationFor(privately, { ...on, permission: 'default' }), null);
    assert.equal(notificationFor(privately, { ...on, permission: 'denied' }), null);
    assert.equal(notificationFor({ ...privately, from: 'Alice' }, on), null);
    assert.equal(notificationFor({ ...privately, room: 'lobby', to: undefined }, on), null);
    assert.equal(notificationFor({ type: 'history', room: '@alice,bob', messages: [] }, on), null);
  });

  test('what the browser allows', () => {
    assert.equal(notificationState(undefined), 'unsupported');
    assert.equal(notificationState({ permission: 'denied' }), 'denied');
    assert.equal(notificationState({ permission: 'granted' }), 'granted');
  });
});
