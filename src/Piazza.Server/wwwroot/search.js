// Full-text search, the model (no DOM; node-tested in tests/web/search.test.mjs): the request frames, the results
// and their paging, and the snippet markers (docs/protocol.md, "Search"): U+0002 opens a match, U+0003 closes it.

export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';
export const MAX_QUERY = 500;
export const PAGE = 20;

/**
 * Splits a snippet into parts: `[{ text, match }]`, in order, empty parts dropped. A marker never appears in message
 * text (the server removes them), so splitting needs no escaping; an unbalanced one just ends or starts a match.
 * @param {string} snippet
 * @returns {{ text: string, match: boolean }[]}
 */
export function snippetParts(snippet) {
  const parts = [];
  let match = false;
  let text = '';
  for (const ch of snippet ?? '') {
    if (ch === MATCH_START || ch === MATCH_END) {
      if (text) parts.push({ text, match });
      text = '';
      match = ch === MATCH_START;
    } else {
      text += ch;
    }
  }
  if (text) parts.push({ text, match });
  return parts;
}

/** What the results panel shows, and the frames that fill it. */
export class SearchModel {
  constructor() {
    this.query = '';
    /** @type {object[]} message frames with `snippet`, newest first */
    this.results = [];
    this.next = null;
    this.loading = false;
    this.error = null;
    this.open = false;
    this.version = 0;
  }

  /** The frame for a new search of `text`, or null (with `error` set) when there is nothing to send. */
  start(text) {
    const q = (text ?? '').trim();
    this.open = true;
    this.query = q;
    this.results = [];
    this.next = null;
    this.error = null;
    this.version++;
    if (!q) {
      this.error = 'Type words to search for.';
      return null;
    }
    if (q.length > MAX_QUERY) {
      this.error = `A search is at most ${MAX_QUERY} characters.`;
      return null;
    }
    this.loading = true;
    return { type: 'search', q, limit: PAGE };
  }

  /** The frame for the next (older) page, or null when there is none or one is loading. */
  more() {
    if (!this.next || this.loading) return null;
    this.loading = true;
    this.version++;
    return { type: 'search', q: this.query, limit: PAGE, cursor: this.next };
  }

  /** Takes the server's answer to `start` or `more` (for `query`; answers to an older search are dropped). */
  answered(query, answer) {
    if (query !== this.query) return;
    this.loading = false;
    this.version++;
    if (answer?.type !== 'ok') {
      this.error = answer?.message ?? answer?.code ?? 'The search failed.';
      return;
    }
    this.results.push(...(answer.results ?? []));
    this.next = answer.next ?? null;
  }

  close() {
    this.open = false;
    this.version++;
  }

  /** What the panel says above the results. */
  summary() {
    if (this.error) return this.error;
    if (this.loading && this.results.length === 0) return 'Searching…';
    if (this.results.length === 0) return `Nothing found for “${this.query}”.`;
    return `${this.results.length}${this.next ? '+' : ''} found for “${this.query}”, newest first`;
  }
}
