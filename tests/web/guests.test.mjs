// Guests marked in the people list: the server's "guest" flag on user lists and joined frames, kept by the model.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn, joined } from './frames.mjs';

describe('guests in the people list', () => {
  test('the guest mark of a user list and of a joined frame is kept on the person', () => {
    const { model } = signedIn();
    model.receive({ type: 'room', room: 'lobby', users: [{ user: 'alice', since: 'x' }, { user: 'dave', since: 'x', guest: true }] });
    model.receive({ ...joined('lobby', 'erin'), guest: true });
    model.receive(joined('lobby', 'bob'));
    const guests = Object.fromEntries(model.conv('lobby').users.map((u) => [u.user, Boolean(u.guest)]));
    assert.deepEqual(guests, { alice: false, dave: true, erin: true, bob: false });
  });
});
