// What the sign-in form says when the server refuses a hello: one sentence per error code, for people.

const REFUSALS = {
  auth_failed: 'Wrong user name or password.',
  name_taken: 'Someone with that name is connected right now.',
  name_reserved: 'That name belongs to an account: log in with its password.',
  bad_name: 'That name is not allowed: use letters, digits, “_”, “-” or “.” (up to 32).',
  name_confusable: 'That name looks too much like one that is taken: choose a more distinct name.',
  auth_required: 'This server does not allow guests: log in or register.',
};

/**
 * The text for a refused hello and whether the remembered token must be forgotten: `usedToken` says the hello
 * carried a remembered token, `wasSignedIn` that this page was signed in before (the session ended meanwhile).
 */
export function describeRefusal(frame, { usedToken, wasSignedIn }) {
  let text = REFUSALS[frame.code] ?? frame.message ?? 'The server refused the sign-in.';
  if (frame.code === 'rate_limited') text = `Too many sign-in attempts, or the server is busy: wait ${frame.retryAfter ?? 'a few'} seconds.`;
  // The server says which rule the name broke (a character, mixed scripts, a reserved look-alike).
  if (frame.code === 'bad_name' && frame.message) text = `That name is not allowed: ${frame.message}.`;
  // A remembered session that no longer works (expired, revoked by a password change or a logout elsewhere).
  if (usedToken) text = wasSignedIn ? 'Your session has ended: please log in again.' : '';
  return { text, forgetToken: usedToken };
}
