// The person's settings for this browser, kept in localStorage (with each account's muted conversations); the
// notifications they switch on are chosen in notifications.js. Pure (storage and the clock are passed in) so node's runner checks it;
// settings-view.js draws the dialog and asks the browser for permission.
import { keyOf } from './conversation.js';

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

// Which messages notify lives in notifications.js (mentions, private and group messages); re-exported for old callers.
export { notificationFor } from './notifications.js';

/** Where this browser keeps an account's muted conversations (keys): per account, so a shared browser keeps them apart. */
export const mutedKey = (account) => `piazza.muted.${keyOf(account)}`;

/** The conversations `account` muted in this browser; damaged or foreign JSON gives none. */
export function readMuted(storage, account) {
  try {
    const stored = JSON.parse(storage.getItem(mutedKey(account)) ?? '[]');
    return Array.isArray(stored) ? stored.filter((k) => typeof k === 'string').map(keyOf) : [];
  } catch {
    return [];
  }
}

/** Stores `account`'s muted conversations; false when the browser refuses. */
export function writeMuted(storage, account, keys) {
  try {
    storage.setItem(mutedKey(account), JSON.stringify([...keys]));
    return true;
  } catch {
    return false;
  }
}

/** What the notification setting can do in this browser: 'unsupported', 'denied', 'granted' or 'default' (not asked yet). */
export function notificationState(notificationApi) {
  if (!notificationApi) return 'unsupported';
  return notificationApi.permission ?? 'default';
}
