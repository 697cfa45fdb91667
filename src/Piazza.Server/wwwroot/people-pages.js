// A room's people in a busy room: the server's entering frame (`room`, `welcome`) carries the count and only the first
// page of users (earliest first), `who` with a cursor gives the next pages, and joins and leaves come coalesced in
// `presence` frames (several at once). Pure (no DOM, no I/O) so node's test runner checks it; actions.js sends `who`.
import { sameName } from './conversation.js';

/** Users per `who` page the people list asks for. */
export const WHO_PAGE = 200;
/** More changes than this in one `presence` frame are summarised in one line ("bob, carol and 12 others joined"). */
export const NAMED_IN_SUMMARY = 2;

/** Whether the list holds everyone: no page left to load and no storm cut a presence frame short. */
export const complete = (conv) => conv.usersNext === null && !conv.usersPartial;

/** How many people are in the room: the server's count when the list is only its first pages. */
export function peopleTotal(conv) {
  return Math.max(conv.userCount ?? 0, conv.users.length);
}

/** Takes an entering frame's users: the first page, the count, and where the next page starts. */
export function takeFirstPage(conv, frame) {
  conv.users = Array.isArray(frame.users) ? frame.users : [];
  conv.userCount = Number.isInteger(frame.count) ? frame.count : conv.users.length;
  conv.usersNext = frame.next ?? null;
  conv.usersPartial = false;
}

/** The `who` frame for the people list's next page (from the start after a cut presence frame); null when it is complete. */
export function whoRequest(conv) {
  if (conv.usersNext) return { type: 'who', room: conv.name, cursor: conv.usersNext, limit: WHO_PAGE };
  return conv.usersPartial ? { type: 'who', room: conv.name, limit: WHO_PAGE } : null;
}

/** Takes a `who` page: its users join the list (none twice) and the list remembers where the next page starts. */
export function takeWhoPage(conv, answer) {
  if (answer.type !== 'ok') return false;
  for (const u of answer.users ?? []) addUser(conv, u, false);
  conv.usersNext = answer.next ?? null;
  if (conv.usersNext === null) conv.usersPartial = false;
  if (Number.isInteger(answer.count)) conv.userCount = answer.count;
  return true;
}

/** A user is present: listed once; counted when new to the list (a coalesced frame may repeat what a room frame said). */
export function addUser(conv, u, counted = true) {
  if (conv.users.some((known) => sameName(known.user, u.user))) return false;
  conv.users.push({ user: u.user, since: u.since, guest: Boolean(u.guest), bot: u.bot === true });
  if (counted && conv.userCount !== undefined && complete(conv)) conv.userCount = conv.users.length;
  else if (counted && conv.userCount !== undefined) conv.userCount += 1;
  return true;
}

/** A user left: off the list and out of the count. */
export function removeUser(conv, name) {
  const before = conv.users.length;
  conv.users = conv.users.filter((u) => !sameName(u.user, name));
  if (conv.userCount !== undefined) {
    conv.userCount = complete(conv) ? conv.users.length : Math.max(conv.users.length, conv.userCount - 1);
  }
  return conv.users.length !== before;
}

/** "bob joined", "bob and carol joined", "bob, carol and 12 others joined"; `unnamed`: more the frame did not name. */
export function summarise(names, verb, unnamed = 0) {
  if (names.length === 0) return unnamed > 0 ? `${unnamed} others ${verb}` : null;
  if (unnamed > 0) {
    const shown = names.slice(0, NAMED_IN_SUMMARY);
    return `${shown.join(', ')} and ${names.length - shown.length + unnamed} others ${verb}`;
  }
  if (names.length <= NAMED_IN_SUMMARY + 1) {
    const last = names[names.length - 1];
    return `${names.length === 1 ? last : `${names.slice(0, -1).join(', ')} and ${last}`} ${verb}`;
  }
  const others = names.length - NAMED_IN_SUMMARY;
  return `${names.slice(0, NAMED_IN_SUMMARY).join(', ')} and ${others} others ${verb}`;
}
