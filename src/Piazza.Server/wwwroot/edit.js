// Editing messages (docs/protocol.md, "Edit") in the page's state: no DOM. An `edited` frame replaces a held
// message's text (and its mentions) and marks it edited; the helpers find what ↑ edits and build the request.
import { keyOf } from './conversation.js';
import { followEdit } from './reply.js';

/** Applies an `edited` frame: the held message takes the new text; a deleted one stays deleted. False when not held. */
export function onEdited(model, f) {
  const conv = f.room ? model.conv(keyOf(f.room)) : null;
  const item = conv?.items.find((i) => i.kind === 'msg' && i.seq === f.seq);
  if (!item || item.deleted) return false;
  item.text = f.text ?? '';
  item.editedAt = f.editedAt ?? null;
  item.mentions = f.mentions;
  followEdit(conv, f.seq, item.text); // replies held here quote the new text, as history serves them
  conv.version++;
  return true;
}

/** Whether `item` is a message of ours whose text can be edited (not deleted, not a file without text). */
export function canEdit(item, isMine) {
  return item?.kind === 'msg' && Boolean(item.id) && !item.deleted && Boolean(item.text) && isMine(item.from);
}

/** Our latest editable message in `conv` (what ↑ in an empty input edits), or null. */
export function lastOwnEditable(conv, isMine) {
  const items = conv?.items ?? [];
  for (let i = items.length - 1; i >= 0; i--) {
    if (canEdit(items[i], isMine)) return items[i];
  }
  return null;
}

/** The request that replaces `item`'s text with `text`, or null when nothing would change or the text is blank. */
export function editFrame(item, text) {
  if (!item?.id || !text.trim() || text === item.text) return null;
  return { type: 'edit', msg: item.id, text };
}
