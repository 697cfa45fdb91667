// What tells the person about news while they look elsewhere: the browser notification a message deserves (a
// mention of them, or a private or group message, while the tab is hidden, the conversation not muted) and the tab
// title with the unread and mention counts. Pure: settings-view.js shows the notification, chat-view.js the title.
import { keyOf, isDirect } from './conversation.js';

/** Longest message text shown in a notification: enough to know what it is about. */
const BODY_CHARS = 140;

/**
 * The notification a frame deserves, or null: a live message from someone else that mentions us (`mentioned`) or
 * is private (two people or a group), while the page is hidden, the conversation not `muted`, with the setting on
 * and the browser's permission granted. `tag` is the conversation, so a burst replaces one notification instead of
 * piling up.
 */
export function notificationFor(frame, { me, hidden, settings, permission, mentioned = false, muted = false }) {
  if (!settings.notifyPrivate || permission !== 'granted' || !hidden || muted) return null;
  if (frame?.type !== 'message' || typeof frame.room !== 'string') return null;
  if (!frame.from || (me && keyOf(frame.from) === keyOf(me))) return null;
  const key = keyOf(frame.room);
  const direct = isDirect(key);
  if (!direct && !mentioned) return null;
  const text = frame.text ? frame.text : frame.file ? `shared a file: ${frame.file.name ?? 'file'}` : '';
  const body = text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS - 1)}…` : text;
  const group = direct && key.split(',').length > 2;
  let title = `${frame.from} (private message)`;
  if (group) title = `${frame.from} (group message${mentioned ? ', mentioned you' : ''})`;
  else if (!direct) title = `${frame.from} mentioned you in #${frame.room}`;
  return { title, body, tag: key, from: frame.from };
}

/** The tab's title: `(3) #dev · Piazza`, with mentions apart: `(3 · @1) #dev · Piazza`, or `(@1) …` when only those. */
export function tabTitle({ unread, mentions }, open) {
  const counts = [];
  if (unread > 0) counts.push(String(unread));
  if (mentions > 0) counts.push(`@${mentions}`);
  return `${counts.length > 0 ? `(${counts.join(' · ')}) ` : ''}${open ? `${open} · ` : ''}Piazza`;
}
