// A room's retention on the page (docs/retention.md): the room frame's `retentionDays`/`retentionSource`, the
// `retention` frame's notice line, and the header's words. Pure (no DOM, no I/O) so node's test runner checks it.
import { keyOf } from './conversation.js';

const span = (days) => (days === 0 ? 'for good' : days === 1 ? 'for 1 day' : `for ${days} days`);

/** `{ days, room }` from a frame that carries a retention (room, retention); null when it carries none. */
function retentionOf(f) {
  return Number.isInteger(f.retentionDays) ? { days: f.retentionDays, room: f.retentionSource === 'room' } : null;
}

/** The room frame's retention, kept on the conversation (null: the server did not say). */
export function takeRetention(conv, r) {
  conv.retention = retentionOf(r);
}

/** In words after "alice set #dev", as the server's IRC notice and the terminal client say it. */
export function describeRetention(retention) {
  return retention.room
    ? `to keep messages ${span(retention.days)}`
    : `to follow the server's retention (${retention.days === 0 ? 'messages kept for good' : span(retention.days).slice(4)})`;
}

/** `retention`: the room's setting changes, and the room says who changed it and to what. */
export function onRetention(model, f) {
  const conv = model.conv(keyOf(f.room ?? ''));
  const retention = retentionOf(f);
  if (!conv || !retention) return;
  conv.retention = retention;
  conv.addSystem(`${f.by} set #${conv.name} ${describeRetention(retention)}`, f.ts);
}

/** The header's line: "Messages kept for 30 days" (the room's setting) or "… (server setting)"; '' when unknown. */
export function retentionText(conv) {
  const retention = conv?.retention;
  if (!retention || conv.direct) return '';
  return `Messages kept ${span(retention.days)}${retention.room ? '' : ' (server setting)'}`;
}
