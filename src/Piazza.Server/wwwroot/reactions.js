// Reactions in the page's state (docs/protocol.md, "Reactions"): a message item's `reactions` list follows the
// `reaction` frames, and the reaction bar's chips are computed from it. No DOM here (reactions-view.js draws).
import { keyOf } from './conversation.js';

/** The emoji the picker offers (the server accepts any single emoji; these are the common ones). */
export const COMMON_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀', '🔥', '✅', '🚀', '👎'];

/**
 * `reactions` with `user` added to (`on`) or removed from `emoji`, as the server orders them: a new emoji goes last,
 * an emoji keeps its place while anyone has it, users stay in reaction order; undefined when none remain.
 */
export function toggleReaction(reactions, emoji, user, on) {
  const list = (reactions ?? []).map((r) => ({ emoji: r.emoji, users: [...r.users] }));
  const index = list.findIndex((r) => r.emoji === emoji);
  if (on) {
    if (index < 0) list.push({ emoji, users: [user] });
    else if (!list[index].users.includes(user)) list[index].users.push(user);
  } else if (index >= 0) {
    list[index].users = list[index].users.filter((u) => u !== user);
    if (list[index].users.length === 0) list.splice(index, 1);
  }
  return list.length === 0 ? undefined : list;
}

/** Applies a `reaction` frame to the message it names, if held; true when the item changed (the view then rebuilds). */
export function onReaction(model, f) {
  const conv = f.room ? model.conv(keyOf(f.room)) : null;
  const item = conv?.items.find((i) => i.kind === 'msg' && i.seq === f.seq && (!f.msg || i.id === f.msg));
  if (!item || item.deleted || !f.emoji || !f.user) return false;
  item.reactions = toggleReaction(item.reactions, f.emoji, f.user, f.on === true);
  conv.version++;
  return true;
}

/** The chips of a message's reaction bar: emoji, how many, whether `me` is among them, and who (for the tooltip). */
export function chipsOf(item, me) {
  const mine = String(me ?? '').toLowerCase();
  return (item.reactions ?? []).map((r) => ({
    emoji: r.emoji,
    count: r.users.length,
    mine: r.users.some((u) => u.toLowerCase() === mine),
    names: r.users.join(', '),
  }));
}

/** The frame that toggles `emoji` on `item` for `me`: unreact when it is ours, react otherwise. */
export function toggleFrame(item, emoji, me) {
  const chip = chipsOf(item, me).find((c) => c.emoji === emoji);
  return { type: chip?.mine ? 'unreact' : 'react', msg: item.id, emoji };
}

/** Whether the user may react to `item`: an account (guests may not), a message that stands and has an id. */
export const mayReact = (item, registered) => Boolean(registered && item.id && !item.deleted && item.kind === 'msg');
