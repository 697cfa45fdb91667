// Conversations as addresses: `#/room/dev` for a room, `#/dm/bob` for a private conversation (`#/dm/bob,carol` a group). Pure (no DOM, no I/O)
// so node's test runner checks it; navigation.js applies a route to the page and keeps the address bar in step.
import { ROOM_NAME, USER_NAME } from './commands.js';
import { groupName, splitNames } from './conversation.js';

/** The address of a conversation, or '' when there is none. */
export function routeOf(conv) {
  if (!conv) return '';
  if (conv.group) return `#/dm/${conv.others.map(encodeURIComponent).join(',')}`;
  if (conv.direct) return conv.peer ? `#/dm/${encodeURIComponent(conv.peer)}` : '';
  return `#/room/${encodeURIComponent(conv.name)}`;
}

/**
 * What an address asks for: `{ kind: 'none' }` (no conversation named: the default one opens), `{ kind: 'room', name }`,
 * `{ kind: 'dm', user }`, or `{ kind: 'bad', text }` with what to tell the person. `#dev` and `#@bob` (what people
 * type by habit) are read as `#/room/dev` and `#/dm/bob`.
 */
export function parseRoute(hash) {
  const raw = String(hash ?? '').replace(/^#/, '');
  if (raw === '' || raw === '/') return { kind: 'none' };
  let path;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return { kind: 'bad', text: 'That address is not a conversation of this server (it is not valid URL encoding).' };
  }
  const [, section, name] = path.match(/^\/?(room|dm)\/(.*)$/) ?? [];
  if (section === undefined) {
    if (path.startsWith('@')) return checkUser(path.slice(1));
    if (!path.includes('/')) return checkRoom(path);
    return { kind: 'bad', text: `“#${path}” is not a conversation address: rooms are #/room/name, private conversations #/dm/name.` };
  }
  return section === 'room' ? checkRoom(name) : checkUser(name.replace(/^@/, ''));
}

function checkRoom(name) {
  const room = name.replace(/^#/, '').normalize('NFC');
  if (ROOM_NAME.test(room)) return { kind: 'room', name: room };
  return { kind: 'bad', text: `“${room}” is not a room name: room names are 1 to 64 letters, digits, “-”, “_” or “.”.` };
}

function checkUser(raw) {
  if (raw.includes(',')) return checkGroup(raw);
  const name = raw.normalize('NFC');
  if (USER_NAME.test(name)) return { kind: 'dm', user: name };
  return { kind: 'bad', text: `“${name}” is not a user name: user names are 1 to 32 letters, digits, “-”, “_” or “.”.` };
}

/** `#/dm/bob,carol`: a group conversation, read as `{ kind: 'dm', user: 'bob, carol', users }` (names in key order). */
function checkGroup(raw) {
  const users = splitNames(raw.normalize('NFC'));
  const bad = users.find((u) => !USER_NAME.test(u));
  if (bad !== undefined) return { kind: 'bad', text: `“${bad}” is not a user name: user names are 1 to 32 letters, digits, “-”, “_” or “.”.` };
  if (users.length < 2) return { kind: 'bad', text: 'A group conversation address names two or more people: #/dm/bob,carol.' };
  return { kind: 'dm', user: groupName(users, ''), users };
}

/** Whether two addresses name the same conversation (room and user names compare case-insensitively). */
export function sameRoute(a, b) {
  const x = parseRoute(a);
  const y = parseRoute(b);
  if (x.kind !== y.kind) return false;
  if (x.kind === 'room') return x.name.toLowerCase() === y.name.toLowerCase();
  if (x.kind === 'dm') return x.user.toLowerCase() === y.user.toLowerCase();
  return x.kind === 'none';
}
