// The person's settings for this browser, kept in localStorage, and the one notification they can ask for today:
// a private message while the tab is hidden. Pure (storage and the clock are passed in) so node's runner checks it;
// settings-view.js draws the dialog and asks the browser for permission.
import { keyOf, isDirect } from './conversation.js';

export const SETTINGS_KEY = 'piazza.settings';

/** Every setting with its default; a stored value of the wrong type falls back to the default. */
export const DEFAULT_SETTINGS = Object.freeze({ notifyPrivate: false });

/** The stored settings over the defaults; damaged or foreign JSON gives the defaults. */
export function readSettings(storage) {
  let stored = null;
  try {
    stored = JSON.parse(storage.getItem(SETTINGS_KEY) ?? 'null');
  } catch { /* damaged: the defaults */ }
  const settings = { ...DEFAULT_SETTINGS };
  if (stored && typeof stored === 'object') {
    for (const [name, fallback] of Object.entries(DEFAULT_SETTINGS)) {
      if (typeof stored[name] === typeof fallback) settings[name] = stored[name];
    }
  }
  return settings;
}

/** Stores `settings` (only the known ones); false when the browser refuses (private mode, full storage). */
export function writeSettings(storage, settings) {
  const known = {};
  for (const name of Object.keys(DEFAULT_SETTINGS)) known[name] = settings[name];
  try {
    storage.setItem(SETTINGS_KEY, JSON.stringify(known));
    return true;
  } catch {
    return false;
  }
}

/** Longest message text shown in a notification: enough to know what it is about. */
const BODY_CHARS = 140;

/**
 * The notification a frame deserves, or null: a live private message from someone else, while the page is hidden,
 * with the setting on and the browser's permission granted. `tag` is the conversation, so one person's burst of
 * messages replaces a single notification instead of piling up.
 */
export function notificationFor(frame, { me, hidden, settings, permission }) {
  if (!settings.notifyPrivate || permission !== 'granted' || !hidden) return null;
  if (frame?.type !== 'message' || typeof frame.room !== 'string' || !isDirect(keyOf(frame.room))) return null;
  if (!frame.from || (me && keyOf(frame.from) === keyOf(me))) return null;
  const text = frame.text ? frame.text : frame.file ? `shared a file: ${frame.file.name ?? 'file'}` : '';
  const body = text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS - 1)}…` : text;
  return { title: `${frame.from} (private message)`, body, tag: keyOf(frame.room), from: frame.from };
}

/** What the notification setting can do in this browser: 'unsupported', 'denied', 'granted' or 'default' (not asked yet). */
export function notificationState(notificationApi) {
  if (!notificationApi) return 'unsupported';
  return notificationApi.permission ?? 'default';
}
