// The "Tokens and sessions" panel's model (issue 16): the account's sessions (devices signed in) and its named
// tokens for bots and scripts, over the protocol's `sessions`, `session_revoke`, `tokens`, `token_create` and
// `token_revoke` frames (docs/protocol.md, "Tokens, sessions and bots"). No DOM: `request(frame)` (the connection's,
// a promise of the answer) is passed in, so node's runner checks it; tokens-view.js draws it.

export const SCOPES = Object.freeze(['read', 'send', 'moderate']);
const NAME_PATTERN = /^[A-Za-z0-9._-]{1,40}$/;
const MAX_DAYS = 3650;

/** What the server's refusals mean to the person managing tokens. */
const REFUSALS = {
  forbidden: 'The server refused: only a session signed in with a password can manage tokens and sessions.',
  name_taken: 'A token with that name exists already: choose another name, or revoke the old one first.',
  not_found: 'It is gone already (revoked, or expired).',
  offline: 'Not connected: try again once the page is back online.',
  timeout: 'The server did not answer: try again.',
};

/** The text shown for an `error` answer: ours for the codes above (forbidden keeps the server's reason), else the server's. */
export function refusalText(answer) {
  const code = answer?.code ?? '';
  if (code === 'forbidden' && answer.message && !/password session/i.test(answer.message)) return `The server refused: ${answer.message}`;
  return REFUSALS[code] ?? (answer?.message ? `The server refused: ${answer.message}` : 'The server refused.');
}

/**
 * Checks the create form: name, scopes (the checked ones) and days ('' for never). Returns { frame } to send or
 * { error } to show, so the person learns a mistake before a round trip.
 */
export function createRequest(name, scopes, days) {
  const trimmed = String(name ?? '').trim();
  if (!NAME_PATTERN.test(trimmed)) return { error: 'A token name is 1 to 40 letters, digits, “-”, “_” or “.”.' };
  const chosen = SCOPES.filter((s) => scopes.includes(s));
  if (chosen.length === 0) return { error: 'Choose at least one scope: read, send or moderate.' };
  const frame = { type: 'token_create', name: trimmed, scopes: chosen };
  const dayText = String(days ?? '').trim();
  if (dayText !== '') {
    const n = Number(dayText);
    if (!Number.isInteger(n) || n < 1 || n > MAX_DAYS) return { error: `Days: a whole number from 1 to ${MAX_DAYS}, or empty for a token that never expires.` };
    frame.days = n;
  }
  return { frame };
}

/** A token from the wire as the panel keeps it (the secret is never in a listing). */
const tokenOf = (t) => ({
  name: String(t.name ?? ''), scopes: Array.isArray(t.scopes) ? t.scopes.map(String) : [],
  created: t.created ?? null, lastUsed: t.lastUsed ?? null, expires: t.expires ?? null,
});

const sessionOf = (s) => ({
  id: String(s.id ?? ''), label: String(s.label ?? ''), created: s.created ?? null,
  lastUsed: s.lastUsed ?? null, expires: s.expires ?? null, current: s.current === true,
});

/** The current session first, then the most recently used. */
function sortSessions(sessions) {
  const used = (s) => s.lastUsed ?? s.created ?? '';
  return sessions.sort((a, b) => (b.current - a.current) || used(b).localeCompare(used(a)));
}

export class TokensModel {
  /** @param {(frame: object) => Promise<object>} request sends a frame and resolves with its answer */
  constructor(request) {
    this.request = request;
    this.tokens = [];
    this.sessions = [];
    /** The secret of the token just created: { name, token }, shown once, dropped by dismissSecret or the next load. */
    this.secret = null;
    this.error = '';
    this.note = '';
    this.loaded = false;
    this.busy = false;
    this.listeners = new Set();
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed() {
    for (const listener of this.listeners) listener(this);
  }

  /** Takes a `tokens` answer; false (and the error shown) for a refusal. */
  takeTokens(answer) {
    if (answer?.type !== 'ok') return this.refused(answer);
    this.tokens = (answer.tokens ?? []).map(tokenOf).sort((a, b) => a.name.localeCompare(b.name));
    return true;
  }

  /** Takes a `sessions` answer. */
  takeSessions(answer) {
    if (answer?.type !== 'ok') return this.refused(answer);
    this.sessions = sortSessions((answer.sessions ?? []).map(sessionOf));
    return true;
  }

  /** Takes a `token_create` answer: the secret is kept for showing once, the token joins the list. */
  takeCreated(answer) {
    if (answer?.type !== 'ok' || typeof answer.token !== 'string') return this.refused(answer);
    const created = (answer.tokens ?? []).map(tokenOf)[0];
    if (created) this.tokens = [...this.tokens.filter((t) => t.name !== created.name), created].sort((a, b) => a.name.localeCompare(b.name));
    this.secret = { name: created?.name ?? '', token: answer.token };
    return true;
  }

  refused(answer) {
    this.error = refusalText(answer);
    return false;
  }

  /** Loads both lists (the panel was opened); a refusal of either is shown, the other still listed. */
  async load() {
    this.busy = true;
    this.error = '';
    this.note = '';
    this.changed();
    const [sessions, tokens] = await Promise.all([this.request({ type: 'sessions' }), this.request({ type: 'tokens' })]);
    this.takeSessions(sessions);
    this.takeTokens(tokens);
    this.loaded = true;
    this.busy = false;
    this.changed();
  }

  /** Creates a token from the form's values; true when created (the form may clear). */
  async create(name, scopes, days) {
    const { frame, error } = createRequest(name, scopes, days);
    this.error = error ?? '';
    this.note = '';
    if (!frame) {
      this.changed();
      return false;
    }
    this.busy = true; // a secret not yet dismissed stays shown until a new one replaces it
    this.changed();
    const ok = this.takeCreated(await this.request(frame));
    this.busy = false;
    this.changed();
    return ok;
  }

  /** The person has copied (or given up on) the secret: it is not shown again. */
  dismissSecret() {
    this.secret = null;
    this.changed();
  }

  async revokeToken(name) {
    await this.act({ type: 'token_revoke', name }, () => {
      this.tokens = this.tokens.filter((t) => t.name !== name);
      if (this.secret?.name === name) this.secret = null;
      this.note = `Token “${name}” revoked: anything using it is signed out.`;
    });
  }

  async revokeSession(id) {
    await this.act({ type: 'session_revoke', session: id }, () => {
      this.sessions = this.sessions.filter((s) => s.id !== id);
      this.note = 'That device is signed out.';
    });
  }

  /** "Sign out other devices": every session but this one. */
  async revokeOthers() {
    await this.act({ type: 'session_revoke', others: true }, (answer) => {
      this.sessions = this.sessions.filter((s) => s.current);
      const n = Number.isInteger(answer.count) ? answer.count : 0;
      this.note = n === 0 ? 'No other device was signed in.' : `Signed out ${n} other device${n === 1 ? '' : 's'}.`;
    });
  }

  /** Sends a revoke; `done(answer)` updates the lists on `ok`. A `not_found` also drops the entry (it is gone). */
  async act(frame, done) {
    this.busy = true;
    this.error = '';
    this.note = '';
    this.changed();
    const answer = await this.request(frame);
    if (answer?.type === 'ok') done(answer);
    else this.refused(answer);
    if (answer?.code === 'not_found') await this.reload();
    this.busy = false;
    this.changed();
  }

  async reload() {
    const error = this.error;
    const [sessions, tokens] = await Promise.all([this.request({ type: 'sessions' }), this.request({ type: 'tokens' })]);
    this.takeSessions(sessions);
    this.takeTokens(tokens);
    this.error = error;
  }

  /** The other sessions (what "Sign out other devices" ends). */
  get others() {
    return this.sessions.filter((s) => !s.current);
  }
}

/** "3 Dec 2026, 14:05" for a wire timestamp; `fallback` when absent or unreadable. */
export function whenText(ts, fallback = '—', format = (d) => d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })) {
  if (!ts) return fallback;
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? fallback : format(date);
}
