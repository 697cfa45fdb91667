// DOM builders for the message list. Every piece of user data goes in through textContent or a checked href:
// never through innerHTML, so a message can show '<script>' but never run or create one.
import { buildMenu, buildParts, customTextRenderer } from './message-parts.js';

/** Consecutive messages from one sender within this span share one header. */
const GROUP_WITHIN_MS = 5 * 60 * 1000;
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
/** ```fenced``` blocks (the newline right inside each fence belongs to the fence) and `inline` code, as in Markdown. */
const FENCE_PATTERN = /```\n?([\s\S]*?)\n?```/g;
const INLINE_CODE_PATTERN = /`([^`\n]+)`/g;

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/** The small "BOT" mark beside a bot account's name (a message's header, the people list); tokens.css draws it. */
export function botBadge() {
  const badge = el('span', 'bot-badge', 'BOT');
  badge.title = 'bot';
  badge.setAttribute('aria-label', 'bot');
  return badge;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

export const parseTs = (ts) => {
  const date = ts ? new Date(ts) : new Date();
  return Number.isNaN(date.getTime()) ? new Date() : date;
};

export const formatTime = (date) => timeFormat.format(date);

const dayKey = (date) => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;

export function dayLabel(date, now = new Date()) {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(date) === dayKey(now)) return 'Today';
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return dayFormat.format(date);
}

/** A stable, pleasant colour per name (hue from a string hash; saturation and lightness keep text readable). */
export function hueOf(name) {
  let hash = 0;
  for (const ch of String(name).toLowerCase()) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return hash % 360;
}

export function avatar(name, className = 'avatar') {
  const node = el('span', className, (String(name).trim()[0] ?? '?').toUpperCase());
  node.style.setProperty('--hue', String(hueOf(name)));
  node.setAttribute('aria-hidden', 'true');
  return node;
}

/** Appends text to parent, turning http(s) URLs into safe links; everything else stays plain text. */
export function appendLinkified(parent, text) {
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    // Trailing punctuation usually ends the sentence, not the URL.
    let url = match[0];
    const trimmed = url.replace(/[.,;:!?)\]}]+$/, '');
    url = trimmed.length > 'https://'.length ? trimmed : url;
    const start = match.index;
    if (start > last) parent.append(text.slice(last, start));
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch { /* not a URL after all */ }
    if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) {
      const a = el('a', 'link', url);
      a.href = parsed.href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      parent.append(a);
    } else {
      parent.append(url);
    }
    last = start + url.length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

/** Appends a message's text: code in backticks as code (never linkified), links elsewhere, all as text nodes. */
export function appendText(parent, text) {
  let last = 0;
  for (const match of text.matchAll(FENCE_PATTERN)) {
    if (!match[1].trim()) continue;
    // The line break before and after a block is the block's own edge: do not show it as an empty line too.
    appendInline(parent, text.slice(last, match.index).replace(/\n$/, ''));
    const pre = el('pre', 'code-block');
    pre.append(el('code', null, match[1]));
    parent.append(pre);
    last = match.index + match[0].length;
    if (text[last] === '\n') last++;
  }
  appendInline(parent, text.slice(last));
}

function appendInline(parent, text) {
  let last = 0;
  for (const match of text.matchAll(INLINE_CODE_PATTERN)) {
    if (!match[1].trim()) continue;
    appendLinkified(parent, text.slice(last, match.index));
    parent.append(el('code', 'code', match[1]));
    last = match.index + match[0].length;
  }
  appendLinkified(parent, text.slice(last));
}

/**
 * Builds list items for items[from..] of a conversation timeline, using the item before `from` for the grouping
 * and day separator decisions, so an append renders exactly what a full render would. `renderFile(file)` builds the
 * view of a shared file (files.js).
 */
export function renderItems(items, from, me, renderFile, unreadFrom = null, mentionsMe = () => false) {
  const nodes = [];
  const now = new Date();
  for (let i = from; i < items.length; i++) {
    const item = items[i];
    const prev = i > 0 ? items[i - 1] : null;
    const date = parseTs(item.ts);
    if (!prev || dayKey(parseTs(prev.ts)) !== dayKey(date)) {
      const sep = el('li', 'day-separator');
      sep.setAttribute('role', 'separator');
      sep.append(el('span', null, dayLabel(date, now)));
      nodes.push(sep);
    }
    if (item.kind === 'msg' && item.seq === unreadFrom) {
      const line = el('li', 'unread-line');
      line.setAttribute('role', 'separator');
      line.append(el('span', null, 'New'));
      nodes.push(line);
    }
    const node = item.kind === 'msg' ? renderMessage(item, prev, date, me, renderFile) : renderSystem(item, date);
    // A message that names us (its `mentions`, issue 14) stands out: mentions.css.
    if (item.kind === 'msg' && !item.deleted && mentionsMe(item)) node.classList.add('mention');
    nodes.push(node);
  }
  return nodes;
}

function renderMessage(item, prev, date, me, renderFile) {
  const own = item.from.toLowerCase() === me.toLowerCase();
  const grouped = prev && prev.kind === 'msg' && prev.from === item.from
    && dayKey(parseTs(prev.ts)) === dayKey(date)
    && date - parseTs(prev.ts) < GROUP_WITHIN_MS;
  const li = el('li', `msg${own ? ' own' : ''}${grouped ? ' grouped' : ''}${item.from === 'server' ? ' announcement' : ''}`);
  li.dataset.seq = String(item.seq);
  if (item.id) li.dataset.id = item.id;
  const time = el('time', 'msg-time', formatTime(date));
  time.dateTime = date.toISOString();
  time.title = fullFormat.format(date);
  if (grouped) {
    li.append(time);
  } else {
    li.append(avatar(item.from));
    const header = el('div', 'msg-header');
    const sender = el('span', 'msg-sender', item.from);
    sender.style.setProperty('--hue', String(hueOf(item.from)));
    header.append(sender);
    if (item.bot) header.append(botBadge());
    if (own) header.append(el('span', 'msg-you', 'you'));
    header.append(time);
    li.append(header);
  }
  if (item.deleted) {
    const body = el('div', 'msg-text');
    li.classList.add('deleted');
    body.append(el('em', 'msg-deleted', item.deletedBy ? `message deleted by ${item.deletedBy}` : 'message deleted'));
    li.append(body);
    return li;
  }
  const ctx = { me };
  li.append(...buildParts('before', item, ctx));
  if (item.text) {
    const body = el('div', 'msg-text');
    (customTextRenderer() ?? appendText)(body, item.text);
    li.append(body);
  }
  if (item.file && renderFile) {
    li.classList.add('has-file');
    li.append(renderFile(item.file));
  }
  li.append(...buildParts('after', item, ctx));
  const menu = item.id ? buildMenu(item, ctx, el) : null;
  if (menu) li.append(menu);
  return li;
}

function renderSystem(item, date) {
  const li = el('li', 'sys');
  const time = el('time', 'msg-time', formatTime(date));
  time.dateTime = date.toISOString();
  li.append(el('span', 'sys-text', item.text), time);
  return li;
}

/**
 * A message sent but not yet acknowledged (or failed), shown greyed below the conversation; `grouped` when it
 * follows our own message (it then takes the place it will have once acknowledged). A failure always has its header.
 */
export function renderPending(pending, handlers, grouped = false) {
  const failed = pending.state === 'failed';
  const state = el('span', 'msg-state', failed ? `not sent: ${pending.error}` : 'sending…');
  const li = el('li', `msg own pending${failed ? ' failed' : ''}${grouped && !failed ? ' grouped' : ''}`);
  li.dataset.pendingId = pending.id;
  const body = el('div', 'msg-text');
  appendText(body, pending.text ?? '');
  if (pending.file) body.append(el('span', 'pending-file', `file: ${pending.file.name}`));
  if (grouped && !failed) {
    body.append(' ', state);
    li.append(body);
    return li;
  }
  li.append(avatar(pending.from));
  const header = el('div', 'msg-header');
  header.append(el('span', 'msg-sender', pending.from), state);
  li.append(header, body);
  if (pending.state === 'failed') {
    const actions = el('div', 'msg-actions');
    const retry = el('button', 'btn small', 'Retry');
    retry.type = 'button';
    retry.addEventListener('click', () => handlers.retry(pending));
    const discard = el('button', 'btn small ghost', 'Discard');
    discard.type = 'button';
    discard.addEventListener('click', () => handlers.discard(pending));
    actions.append(retry, discard);
    li.append(actions);
  }
  return li;
}
