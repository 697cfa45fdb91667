// The address bar kept in step with the open conversation (navigation.js), on a stand-in window: no browser.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Navigation } from '../../src/Piazza.Server/wwwroot/navigation.js';
import { signedIn, welcome } from './frames.mjs';

/** Just enough of a window: location, history (entries with their state) and popstate. */
function fakeWindow(hash = '') {
  const win = {
    location: { hash, pathname: '/', search: '' },
    entries: [{ hash, state: null }],
    at: 0,
    listeners: [],
    addEventListener: (type, listener) => win.listeners.push(listener),
    history: {
      pushState(state, _title, url) {
        win.entries.splice(win.at + 1);
        win.entries.push({ hash: url, state });
        win.at += 1;
        win.location.hash = url;
      },
      replaceState(state, _title, url) {
        const hashOf = url.startsWith('#') ? url : '';
        win.entries[win.at] = { hash: hashOf, state };
        win.location.hash = hashOf;
      },
    },
    /** The person presses Back (-1) or Forward (+1). */
    go(step) {
      win.at += step;
      win.location.hash = win.entries[win.at].hash;
      for (const listener of win.listeners) listener({ state: win.entries[win.at].state });
    },
  };
  return win;
}

/** A page: the model signed in (synced) with lobby and dev, and actions that record what they were asked. */
function page(hash, { rooms = ['lobby', 'dev'], existing = ['ops'] } = {}) {
  const { model } = signedIn({ rooms });
  const win = fakeWindow(hash);
  const asked = [];
  const nav = new Navigation(model, null, { open: (key) => model.activate(key) }, win);
  const open = (key) => {
    nav.push(key);
    model.activate(key);
  };
  nav.actions = {
    enterRoom: async (name) => {
      asked.push(`enter ${name}`);
      if (!existing.includes(name)) {
        model.notice(model.active, `There is no room called #${name}: /join ${name} creates it.`);
        return false;
      }
      open(model.joinedRoom(name).key);
      return true;
    },
    openDirect: async (user) => {
      asked.push(`direct ${user}`);
      return false;
    },
  };
  model.subscribe(() => nav.follow());
  model.markSynced();
  return { model, win, nav, asked, open };
}

const notices = (model) => model.activeConv.items.filter((i) => i.kind === 'sys').map((i) => i.text);

describe('the address of the open conversation', () => {
  test('a reload opens the room the address names, without a new history entry', async () => {
    const { model, win, nav, asked } = page('#/room/dev');
    await nav.restore();
    assert.equal(model.active, 'dev');
    assert.deepEqual(win.entries.map((e) => e.hash), ['#/room/dev']);
    assert.deepEqual(asked, []);
  });

  test('the address waits for the login: the default conversation does not overwrite it meanwhile', async () => {
    const { model, win, nav } = page('#/room/dev');
    model.activate('lobby');
    assert.equal(win.location.hash, '#/room/dev');
    await nav.restore();
    assert.equal(model.active, 'dev');
  });

  test('opening conversations adds entries that Back and Forward walk', async () => {
    const { model, win, nav, open } = page('');
    await nav.restore();
    assert.equal(win.location.hash, '#/room/lobby');
    open('dev');
    assert.deepEqual(win.entries.map((e) => e.hash), ['#/room/lobby', '#/room/dev']);
    win.go(-1);
    await Promise.resolve();
    assert.equal(model.active, 'lobby');
    win.go(+1);
    await Promise.resolve();
    assert.equal(model.active, 'dev');
    assert.equal(win.entries.length, 2, 'walking the history adds no entries');
  });

  test('a room left is said so on Back, not joined again; an address typed by hand joins', async () => {
    const { model, win, nav, asked, open } = page('');
    await nav.restore();
    open('dev');
    open('lobby');
    model.removeConv('dev');
    win.go(-1);
    await Promise.resolve();
    assert.equal(model.active, 'lobby');
    assert.equal(notices(model).at(-1), '#dev is not open any more: /join dev opens it again.');
    assert.equal(win.location.hash, '#/room/lobby');
    assert.deepEqual(asked, []);

    win.location.hash = '#/room/ops'; // typed: an entry with no state
    win.entries[win.at] = { hash: '#/room/ops', state: null };
    for (const listener of win.listeners) listener({ state: null });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(asked, ['enter ops']);
    assert.equal(model.active, 'ops');
    assert.equal(win.location.hash, '#/room/ops');
  });

  test('an unknown or bad address says why and leaves the address on the lobby', async () => {
    const unknown = page('#/room/nosuch');
    await unknown.nav.restore();
    assert.equal(unknown.model.active, 'lobby');
    assert.equal(notices(unknown.model).at(-1), 'There is no room called #nosuch: /join nosuch creates it.');
    assert.equal(unknown.win.location.hash, '#/room/lobby');

    const bad = page('#/room/no%20spaces');
    await bad.nav.restore();
    assert.match(notices(bad.model).at(-1), /^“no spaces” is not a room name/);
    assert.equal(bad.win.location.hash, '#/room/lobby');
    assert.deepEqual(bad.asked, []);

    const self = page('#/dm/alice');
    await self.nav.restore();
    assert.match(notices(self.model).at(-1), /your own private conversation/);
  });

  test('a conversation closed by itself moves the address along without a new entry', async () => {
    const { model, win, nav, open } = page('');
    await nav.restore();
    open('dev');
    model.removeConv('dev');
    assert.equal(win.location.hash, '#/room/lobby');
    assert.equal(win.entries.length, 2);
  });

  test('a logout forgets the address; the login form keeps one to open after signing in', async () => {
    const { model, win, nav } = page('#/room/dev');
    await nav.restore();
    nav.reset();
    assert.equal(win.location.hash, '');
    win.location.hash = '#/room/dev';
    nav.expect();
    model.welcome(welcome({ rooms: ['lobby', 'dev'] }));
    assert.equal(win.location.hash, '#/room/dev');
    await nav.restore();
    assert.equal(model.active, 'dev');
  });
});
