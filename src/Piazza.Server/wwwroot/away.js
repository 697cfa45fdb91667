// Away status and typing notices (docs/protocol.md, "Away and typing"): what the `away` and `typing` frames change
// in the model, the "… is typing" line, and when the page tells the others that we type. Pure: no DOM, no I/O.
import { keyOf, sameName } from './conversation.js';

/** How long "bob is typing…" stays after bob's last notice: he repeats it every 3 s while typing. */
export const TYPING_SHOWN_MS = 6000;
/** At most one notice of ours per conversation this often: the server drops the rest anyway. */
export const TYPING_INTERVAL_MS = 3000;

/** `{"type":"away","user":…,"text":…}`: the user's entries in every conversation follow; no text means back. */
export function onAway(model, f) {
  if (!f.user) return;
  const text = typeof f.text === 'string' && f.text ? f.text : undefined;
  for (const conv of model.convs.values()) {
    for (const u of conv.users ?? []) {
      if (sameName(u.user, f.user)) u.away = text;
    }
  }
  if (model.isMine(f.user)) {
    model.myAway = text ?? null;
    model.addNotice(model.active, text ? `You are away: ${text}` : 'You are back.');
  }
}

/** `{"type":"typing","room":…,"user":…}`: shown in that conversation for a few seconds (ours never). */
export function onTyping(model, f) {
  if (!f.room || !f.user || model.isMine(f.user)) return;
  const conv = model.conv(keyOf(f.room));
  if (!conv) return;
  conv.typing ??= new Map();
  const key = keyOf(f.user);
  conv.typing.delete(key); // re-added last: the order is who started first
  conv.typing.set(key, { user: f.user, until: model.now().getTime() + TYPING_SHOWN_MS });
}

/** A message from someone who was typing: they are done. */
export function stopTyping(conv, from) {
  if (from) conv?.typing?.delete(keyOf(from));
}

/** "bob is typing…", "bob and carol are typing…", "Several people are typing…", or '' (at `nowMs`). */
export function typingText(conv, nowMs) {
  const names = [...(conv?.typing?.values() ?? [])].filter((t) => t.until > nowMs).map((t) => t.user);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

/** The `away` frame for a text (empty: back). */
export const awayFrame = (text) => (text && text.trim() ? { type: 'away', text: text.trim() } : { type: 'away' });

/**
 * Decides when the page says we are typing: while the composer holds a message (not a command) for a conversation,
 * once per TYPING_INTERVAL_MS per conversation. `frameFor(conv, draft, nowMs)` returns the frame to send, or null.
 */
export class TypingNotifier {
  constructor() {
    this.sent = new Map();
  }

  frameFor(conv, draft, nowMs) {
    if (!conv || !draft || !draft.trim() || (draft.startsWith('/') && !draft.startsWith('//'))) return null;
    const last = this.sent.get(conv.key);
    if (last !== undefined && nowMs - last < TYPING_INTERVAL_MS) return null;
    this.sent.set(conv.key, nowMs);
    return conv.direct ? { type: 'typing', to: conv.peer } : { type: 'typing', room: conv.name };
  }
}
