// What a line typed in the composer asks for: a message, or a slash command with its arguments. Pure parsing,
// no DOM and no I/O (actions.js carries the commands out), so node's test runner checks it.

export const HELP = '/join room · /create room --private (a private room) · /leave [room] · /rooms [more] · /topic text · /msg name text (several names, bob,carol: a group) · /away [why] · /back · /help — start a line with // to send a slash. '
  + 'Share files with the paperclip button or by dropping them on the conversation. '
  + 'Keys: Alt+↑/↓ previous/next conversation · Ctrl+, settings · the browser\'s Back returns to the conversation before.';

export const MOD_HELP = 'Moderation: /kick name [reason] · /ban name [30m|2h|7d] [reason] · /unban name · /mute name [duration] [reason] · '
  + '/unmute name · /op name · /deop name · /lock · /unlock · /delete [name] (latest message; yours without a name). '
  + 'Private rooms: /invite name · /uninvite name · /private on|off. '
  + 'Admins: /gkick name · /gban name|address [duration] [reason] · /gunban name|address.';

/** The names the server accepts for a room (RoomNamePolicy), after NFC normalisation. */
export const ROOM_NAME = /^[\p{L}\p{N}_.-]{1,64}$/u;
/** The characters and length the server accepts in a user name (UserNamePolicy; reserved names aside), after NFC. */
export const USER_NAME = /^[\p{L}\p{N}_.-]{1,32}$/u;

const DURATION = /^(\d{1,9})([smhdw]?)$/i;
const UNIT_SECONDS = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const IP_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;
const MODERATION = new Set(['kick', 'ban', 'unban', 'mute', 'unmute', 'op', 'deop', 'gkick', 'gban', 'gunban']);

/**
 * One line of input as an intent: `say` (text to send), `join`, `leave` (room or null for the open one), `rooms` (more), `topic`,
 * `msg` (who, text), `help`, `moderate` (command, args), `lock` (locked), `delete` (name or ''), `usage` (text to
 * show) or `unknown` (command).
 */
export function parseInput(raw) {
  if (raw.startsWith('//')) return { kind: 'say', text: raw.slice(1) };
  if (!raw.startsWith('/')) return { kind: 'say', text: raw };
  const [, command, rest = ''] = raw.match(/^\/(\S+)\s*([\s\S]*)$/) ?? [];
  const name = (command ?? '').toLowerCase();
  if (MODERATION.has(name)) return { kind: 'moderate', command: name, args: rest.trim() };
  switch (name) {
    case 'join': case 'j': return { kind: 'join', room: rest.trim() };
    case 'create': {
      const [, room] = rest.trim().match(/^(\S+)\s+--private$/) ?? [];
      return room ? { kind: 'join', room, private: true } : { kind: 'usage', text: 'Usage: /create room --private' };
    }
    case 'invite': case 'uninvite': case 'private': return { kind: 'private-room', command: name, args: rest.trim() };
    case 'leave': case 'part': return { kind: 'leave', room: rest.trim() || null };
    case 'topic': return { kind: 'topic', topic: rest.trim() };
    case 'msg': case 'query': {
      const [, who, text] = rest.match(/^(\S+)\s*([\s\S]*)$/) ?? [];
      return who ? { kind: 'msg', who, text } : { kind: 'usage', text: 'Usage: /msg name text' };
    }
    case 'rooms': case 'list': {
      const arg = rest.trim().toLowerCase();
      if (arg === '' || arg === 'more') return { kind: 'rooms', more: arg === 'more' };
      return { kind: 'usage', text: 'Usage: /rooms [more]' };
    }
    case 'away': return { kind: 'away', text: rest.trim() };
    case 'back': return { kind: 'away', text: '' };
    case 'help': return { kind: 'help' };
    case 'lock': case 'unlock': return { kind: 'lock', locked: name === 'lock' };
    case 'delete': case 'del': return { kind: 'delete', name: rest.trim() };
    default: return { kind: 'unknown', command };
  }
}

export const helpText = (canModerate) => (canModerate ? `${HELP} ${MOD_HELP}` : HELP);

export const unknownText = (command) => `Unknown command /${command}. ${HELP}`;

/**
 * The request for /kick, /ban, /mute … in `conv` (a room), or /gkick, /gban, /gunban server-wide (an IP address
 * means an address ban). Returns `{ frame, type, target }`, or `{ error }` with the usage to show.
 */
export function moderationRequest(command, args, conv) {
  const serverWide = command.startsWith('g');
  const type = serverWide ? command.slice(1) : command;
  const [, target, more = ''] = args.match(/^@?(\S+)\s*([\s\S]*)$/) ?? [];
  if (!target) return { error: `Usage: /${command} name${type === 'ban' || type === 'mute' ? ' [duration] [reason]' : ''}` };
  if (!serverWide && (!conv || conv.direct)) return { error: `/${command} works in a room.` };
  const frame = { type };
  if (!serverWide) frame.room = conv.name;
  if (serverWide && IP_ADDRESS.test(target)) frame.address = target; else frame.user = target;
  let reason = more.trim();
  const [first = '', after = ''] = reason.split(/\s+(.*)/s);
  const duration = (type === 'ban' || type === 'mute') ? first.match(DURATION) : null;
  if (duration) {
    frame.duration = Number(duration[1]) * UNIT_SECONDS[duration[2].toLowerCase()];
    reason = after.trim();
  }
  if (reason && ['kick', 'ban', 'mute'].includes(type)) frame.reason = reason;
  return { frame, type, target };
}
