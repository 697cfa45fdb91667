// Private rooms and invitations (docs/protocol.md): how `invited` and `room_set` change the model, and the requests
// /invite, /uninvite and /private make. Pure (no DOM, no I/O) so node's test runner checks it; actions.js sends.
import { keyOf, sameName } from './conversation.js';

/** The open invitations: `[{ room, by, ts }]`, newest last, one per room. */
export const invitationsOf = (model) => model.invitations ?? [];

/** `invited`: remembered (the page offers a Join button) and said in the open conversation. */
export function onInvited(model, f) {
  if (typeof f.room !== 'string') return;
  model.invitations = [...invitationsOf(model).filter((i) => !sameName(i.room, f.room)), { room: f.room, by: f.by ?? '', ts: f.ts }];
  const conv = model.conv(keyOf(f.room));
  if (conv?.joined) return; // already in it (another device took it up)
  model.addNotice(model.active, `${f.by} invited you to #${f.room}: use the Join button, or type /join ${f.room}.`);
}

/** An invitation taken up or dismissed: no longer offered. */
export function dropInvitation(model, room) {
  model.invitations = invitationsOf(model).filter((i) => !sameName(i.room, room));
}

/** `room_set`: the room's mark changes, and the room says who changed it. */
export function onRoomSet(model, f) {
  const conv = model.conv(keyOf(f.room ?? ''));
  if (!conv) return;
  conv.private = f.private === true;
  conv.addSystem(conv.private
    ? `${f.by} made this room private: only its members and invited people can see it`
    : `${f.by} made this room public`, f.ts);
}

/**
 * The request for /invite, /uninvite (`withdraw`) or /private in `conv` (a room): `{ frame }`, or `{ error }` to show.
 * `arg` is the user (invite) or `on`/`off` (private).
 */
export function privateRoomRequest(kind, arg, conv) {
  if (!conv || conv.direct) return { error: `/${kind} works in a room.` };
  if (kind === 'private') {
    const on = { on: true, off: false }[arg.trim().toLowerCase()];
    return on === undefined ? { error: 'Usage: /private on|off' } : { frame: { type: 'room_set', room: conv.name, private: on } };
  }
  const [, user] = arg.match(/^@?(\S+)\s*$/) ?? [];
  if (!user) return { error: `Usage: /${kind} name` };
  return { frame: { type: kind, room: conv.name, user } };
}

/** What the answer to a private-room request says in the room. */
export function privateRoomAnswer(kind, frame, answer) {
  if (answer.type !== 'ok') return `Could not ${kind === 'private' ? 'change the room' : `${kind} ${frame.user}`}: ${answer.message ?? answer.code}`;
  if (kind === 'invite') return `Invited ${answer.user ?? frame.user} to #${answer.room ?? frame.room}: they can join once.`;
  if (kind === 'uninvite') return `${answer.user ?? frame.user} is no longer invited to #${answer.room ?? frame.room}.`;
  return null; // /private: the room hears room_set
}
