// Pinned messages (docs/protocol.md, "Pins"): which messages of a conversation are pinned (the room frame's list,
// then `pinned`/`unpinned`), who may pin, the requests, and the pins panel's list from the `pins` answer. Pure (no DOM,
// no I/O) so node's test runner checks it; pins-view.js renders it and sends the requests.
import { keyOf } from './conversation.js';

/** Ids of the conversation's pinned messages, newest pin first; empty until known (a room frame, or a `pins` answer). */
export const pinnedIds = (conv) => conv?.pinned ?? [];

export const isPinned = (conv, id) => typeof id === 'string' && pinnedIds(conv).includes(id);

/** In a room its owner, moderators and the server's admins pin; in a private or group conversation everyone in it. */
export const mayPin = (model, conv) => Boolean(conv) && (conv.direct || model.canModerate(conv));

/** The room frame's `pinned` list (the server loads it with the room, newest pin first). */
export function takePinned(conv, r) {
  conv.pinned = Array.isArray(r.pinned) ? r.pinned.filter((id) => typeof id === 'string') : [];
  conv.pinsStale = true;
  conv.version++;
}

/** `pinned` / `unpinned`: the list changes, the message's mark with it, and the conversation says who did it. */
export function onPin(model, f) {
  if (typeof f.room !== 'string' || typeof f.msg !== 'string') return;
  const conv = model.conv(keyOf(f.room));
  if (!conv) return;
  const on = f.type === 'pinned';
  const others = pinnedIds(conv).filter((id) => id !== f.msg);
  conv.pinned = on ? [f.msg, ...others] : others;
  conv.pinsStale = true; // the panel asks again for the messages themselves
  conv.version++;
  const what = Number.isInteger(f.seq) ? `message #${f.seq}` : 'a message';
  conv.addSystem(`${f.by ?? 'someone'} ${on ? 'pinned' : 'unpinned'} ${what}`, f.ts);
}

/** The `pins` request for the conversation (a room by name, a private conversation by its id). */
export const pinsRequest = (conv) => ({ type: 'pins', room: conv.direct ? conv.key : conv.name });

/** The `pin` (`on`) or `unpin` request for a message of the conversation. */
export const pinRequest = (conv, id, on) => ({ type: on ? 'pin' : 'unpin', room: conv.direct ? conv.key : conv.name, msg: id });

/**
 * The answer to `pins`: the panel's list `[{ id, seq, from, text, file, ts, pinnedBy, pinnedAt, truncated }]`, newest pin
 * first, and the pinned ids with it (a private conversation learns them here). An error leaves both as they were and
 * answers its text.
 */
export function takePins(conv, answer) {
  if (answer?.type !== 'ok' || !Array.isArray(answer.pins)) {
    conv.pinsStale = false; // not asked again on every render; the next pin, or opening the panel again, asks
    return `Could not load the pinned messages: ${answer?.message ?? answer?.code ?? 'no answer'}`;
  }
  conv.pinsList = answer.pins.filter((p) => typeof p?.id === 'string').map((p) => ({
    id: p.id, seq: p.seq, from: p.from, text: p.text ?? '', file: p.file, ts: p.ts, pinnedBy: p.pinnedBy, pinnedAt: p.pinnedAt, truncated: p.truncated === true,
  }));
  conv.pinned = conv.pinsList.map((p) => p.id);
  conv.pinsStale = false;
  conv.version++;
  return null;
}

/** What the panel shows of a pin: `#12 bob: text` (a file's name when there is no text). */
export function pinLine(pin) {
  const text = pin.text || (pin.file ? `[file] ${pin.file.name ?? pin.file.id}` : '');
  return `#${pin.seq} ${pin.from}: ${text}${pin.truncated ? '…' : ''}`;
}

/** What a refused pin or unpin says in the conversation; null when it went through (the conversation hears it). */
export function pinAnswer(on, answer) {
  return answer?.type === 'ok' ? null : `Could not ${on ? 'pin' : 'unpin'}: ${answer?.message ?? answer?.code ?? 'no answer'}`;
}
