// Replies (docs/protocol.md, "Replies"): which message the next send answers, the quote a reply carries, quotes that
// follow their original's deletion, and finding an original that is not loaded yet by loading older pages. Model
// only: no DOM (node-tested in tests/web/reply.test.mjs).

/** How much of the original a quote shows: 200 text elements (user-perceived characters), as the server keeps. */
export const QUOTE_TEXT_ELEMENTS = 200;

/** Older pages loaded at most while looking for an original (each HISTORY_PAGE messages) before giving up. */
export const MAX_REVEAL_PAGES = 40;

const segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/** The first `count` text elements of `text` (never half an emoji); plain code points where Intl.Segmenter is missing. */
export function firstTextElements(text, count = QUOTE_TEXT_ELEMENTS) {
  const s = String(text ?? '');
  if (s.length <= count) return s;
  const parts = segmenter ? Array.from(segmenter.segment(s), (p) => p.segment) : Array.from(s);
  return parts.length <= count ? s : parts.slice(0, count).join('');
}

/** The quote shown while composing a reply to timeline item `item` (the server builds the one delivered). */
export function quoteOf(item) {
  return { msg: item.id, seq: item.seq, from: item.from, text: firstTextElements(item.text) };
}

/** "bob: deploy on friday?", "bob: (deleted)"; one line, the text cut at `max` characters with "…". */
export function quoteLabel(quote, max = 120) {
  if (quote.deleted) return `${quote.from}: (deleted)`;
  const text = String(quote.text ?? '').replace(/\s+/g, ' ').trim();
  const shown = text.length > max ? `${Array.from(text).slice(0, max).join('').trimEnd()}…` : text;
  return shown ? `${quote.from}: ${shown}` : `${quote.from}: (file)`;
}

/** Whether `item` (a timeline item) may be replied to: a stored message that stands. */
export const canReply = (item) => item?.kind === 'msg' && Boolean(item.id) && !item.deleted;

/** The next send in the open conversation answers `item`; false when it cannot be answered. */
export function startReply(model, item) {
  if (!canReply(item) || !model.active) return false;
  model.replying = { key: model.active, ...quoteOf(item) };
  model.changed();
  return true;
}

/** Stops replying (Esc, ×); true when a reply was being composed. */
export function cancelReply(model) {
  if (!model.replying) return false;
  model.replying = null;
  model.changed();
  return true;
}

/** The reply being composed in conversation `key`, or null. */
export const replyFor = (model, key) => (model.replying && model.replying.key === key ? model.replying : null);

/** The reply the send now made in `key` carries (and no later one): its quote, or null. */
export function takeReply(model, key) {
  const reply = replyFor(model, key);
  if (reply) model.replying = null;
  return reply;
}

/** The message with seq `seq` was deleted: replies held in `conv` quoting it show a deleted quote. True when one changed. */
export function followDeletion(conv, seq) {
  let changed = false;
  for (const item of conv.items) {
    if (item.kind === 'msg' && item.reply && item.reply.seq === seq && !item.reply.deleted) {
      item.reply = { msg: item.reply.msg, seq, from: item.reply.from, deleted: true };
      changed = true;
    }
  }
  return changed;
}

/** The message with seq `seq` was edited: replies held in `conv` quoting it quote its new text. True when one changed. */
export function followEdit(conv, seq, text) {
  let changed = false;
  const quoted = firstTextElements(text ?? '');
  for (const item of conv.items) {
    if (item.kind === 'msg' && item.reply && item.reply.seq === seq && !item.reply.deleted && item.reply.text !== quoted) {
      item.reply = { ...item.reply, text: quoted };
      changed = true;
    }
  }
  return changed;
}

const held = (conv, seq) => conv.items.find((i) => i.kind === 'msg' && i.seq === seq) ?? null;

/**
 * Finds message `seq` of conversation `key`, loading older pages first (loadOlder(key) asks for the page before the
 * oldest held and resolves once it is in the model) until it is held or the conversation's beginning is reached.
 * Resolves to its timeline item, or null (deleted history, a beginning reached, or nothing loads).
 */
export async function revealMessage(model, key, seq, loadOlder, { maxPages = MAX_REVEAL_PAGES, wait = () => Promise.resolve() } = {}) {
  for (let page = 0; page <= maxPages; page++) {
    const conv = model.conv(key);
    if (!conv) return null;
    const found = held(conv, seq);
    if (found) return found;
    if (!conv.hasOlder || conv.minSeq <= seq) return null;
    const before = conv.minSeq;
    await loadOlder(key);
    if (model.conv(key)?.minSeq === before) {
      if (!model.conv(key)?.loadingOlder) return null; // nothing came: offline or refused
      await wait(); // another load of the same page is under way
    }
  }
  return null;
}
