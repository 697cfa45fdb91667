// What the sign-in form says when the server refuses a hello, one sentence per error code and per way of signing in
// (log in, register, guest), and which refusals are worth trying again by themselves. Pure, for node's test runner.

/** Passwords the server accepts (AccountService): 8 to 256 characters. */
export const MIN_PASSWORD = 8;

const seconds = (n) => (n ? `${Math.ceil(n)} second${Math.ceil(n) === 1 ? '' : 's'}` : 'a little');
const quoted = (user) => (user ? `“${user}”` : 'that name');

const REFUSALS = {
  // The server gives a wrong password and an unknown account the same answer, on purpose (docs/protocol.md).
  auth_failed: ({ mode, user }) => (mode === 'login'
    ? `Wrong password, or there is no account called ${quoted(user)}. New here? Register creates it with the password you typed.`
    : 'Wrong user name or password.'),
  name_taken: ({ mode, user }) => (mode === 'register'
    ? `The name ${quoted(user)} is taken (by an account, or by someone connected right now): choose another, or log in if the account is yours.`
    : `Someone called ${quoted(user)} is connected right now: choose another name.`),
  name_reserved: ({ user }) => `${quoted(user)} belongs to an account: log in with its password, or choose another name to look around as a guest.`,
  bad_name: () => 'That name is not allowed: use letters, digits, “_”, “-” or “.” (up to 32).',
  name_confusable: () => 'That name looks too much like one that is taken: choose a more distinct name.',
  auth_required: () => 'This server does not allow guests: log in or register.',
  rate_limited: ({ retryAfter }) => `Too many sign-in attempts from here, or the server is busy: wait ${seconds(retryAfter)}, then try again.`,
  bad_request: ({ message }) => `The server refused this: ${message ?? 'bad request'}.`,
  banned: ({ message }) => `You are banned from this server${message ? `: ${message}` : ''}.`,
  unavailable: () => 'The server cannot check sign-ins right now (its database is restarting): try again in a moment.',
  server_error: () => 'The server failed while signing you in: try again in a moment.',
};

/** The form field each refusal is about: the person fixes that one. */
const FIELD = { auth_failed: 'password', bad_request: 'password', name_taken: 'user', name_reserved: 'user', bad_name: 'user', name_confusable: 'user' };

/**
 * The text for a refused hello, whether the remembered token must be forgotten, and the field to fix (`user`,
 * `password` or null). `usedToken` says the hello carried a remembered token, `wasSignedIn` that this page was signed
 * in before (the session ended meanwhile); `mode` and `user` are how the form signed in.
 */
export function describeRefusal(frame, { usedToken, wasSignedIn, mode = null, user = null }) {
  const say = REFUSALS[frame.code];
  let text = say ? say({ mode, user, retryAfter: frame.retryAfter, message: frame.message }) : frame.message ?? 'The server refused the sign-in.';
  // The server says which rule the name broke (a character, mixed scripts, a reserved look-alike).
  if (frame.code === 'bad_name' && frame.message) text = `That name is not allowed: ${frame.message}.`;
  // A remembered session that no longer works (expired, revoked by a password change or a logout elsewhere).
  if (usedToken) text = wasSignedIn ? 'Your session has ended: please log in again.' : '';
  return { text, forgetToken: usedToken, field: usedToken ? null : FIELD[frame.code] ?? null };
}

/**
 * Whether a refused hello is tried again by itself. A session being resumed (a remembered token, or a guest
 * reconnecting) waits out a busy server and a name its previous connection still holds; a sign-in from the form
 * shows every refusal, so nobody watches a form that silently keeps trying.
 */
export function retriesRefusal(frame, { resuming, attempt }) {
  if (!resuming) return false;
  if (frame.code === 'name_taken') return attempt > 0;
  return frame.code === 'server_error' || frame.code === 'rate_limited' || frame.code === 'unavailable';
}

/** What is wrong with the form before anything is sent, or null: the field to fix and what to say. */
export function checkLoginForm(mode, user, password) {
  if (!user) return { field: 'user', text: 'Please enter a user name.' };
  if (mode === 'guest') return null;
  if (password.length === 0) {
    return { field: 'password', text: mode === 'register' ? `Choose a password of at least ${MIN_PASSWORD} characters.` : 'Please enter your password.' };
  }
  if (password.length < MIN_PASSWORD) {
    const typed = `the one typed has ${password.length}`;
    return { field: 'password', text: mode === 'register' ? `Choose a password of at least ${MIN_PASSWORD} characters: ${typed}.` : `Passwords here are at least ${MIN_PASSWORD} characters: ${typed}.` };
  }
  return null;
}
