// The open conversation's timeline, drawn from the model: appends when only new items arrived at the end (the
// reader's view stays put unless they were at the bottom), otherwise rebuilds, keeping what the reader sees in
// place; below it the sends still pending; above it the history status. Scrolling near the top asks for more.
import { renderItems, renderPending } from './render.js';
import { renderFile } from './files.js';

/** Within this many pixels of the bottom the view follows new messages; further up the reader is left alone. */
const STICK_PX = 48;
/** Older history loads when the reader scrolls within this many pixels of the top. */
const LOAD_OLDER_PX = 120;

const NOTHING_RENDERED = { key: null, count: 0, version: -1, maxSeq: 0 };

export class MessagesView {
  /**
   * @param {object} ui the page's elements: scroller, historyStatus, messages, pending, newMessages
   * @param {object} handlers loadOlder(key), retry(id), discard(id)
   */
  constructor(ui, handlers) {
    this.ui = ui;
    this.handlers = handlers;
    this.rendered = NOTHING_RENDERED;
    this.pendingShown = '';
    this.unseenBelow = 0;
    this.model = null;
    ui.scroller.addEventListener('scroll', () => {
      if (this.atBottom()) this.showUnseen(0);
      this.reportSeen();
      if (this.model?.activeConv) this.maybeLoadOlder(this.model.activeConv);
    }, { passive: true });
    ui.newMessages.addEventListener('click', () => this.scrollToBottom());
  }

  atBottom() {
    const s = this.ui.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < STICK_PX;
  }

  scrollToBottom() {
    this.ui.scroller.scrollTop = this.ui.scroller.scrollHeight;
    this.showUnseen(0);
  }

  showUnseen(count) {
    this.unseenBelow = count;
    if (count > 0) this.ui.newMessages.textContent = `${count} new message${count === 1 ? '' : 's'} ↓`;
    this.ui.newMessages.hidden = count === 0;
  }

  /** Forgets what is on screen (a logout): the next session starts from nothing. */
  clear() {
    this.rendered = NOTHING_RENDERED;
    this.pendingShown = '';
    this.ui.messages.replaceChildren();
    this.ui.pending.replaceChildren();
  }

  render(model) {
    this.model = model;
    const conv = model.activeConv;
    if (!conv) {
      this.rendered = NOTHING_RENDERED;
      this.ui.messages.replaceChildren();
      return;
    }
    const switched = this.rendered.key !== conv.key;
    this.renderTimeline(model, conv, switched);
    this.renderHistoryStatus(conv);
    this.renderPendingList(model, conv, switched);
    this.maybeLoadOlder(conv);
    // After this render, not inside it: what the person now sees may move the read position (model-reading.js).
    queueMicrotask(() => this.reportSeen());
  }

  /** Tells the model the newest message on screen in the open conversation, and whether the view follows the bottom. */
  reportSeen() {
    const model = this.model;
    const conv = model?.activeConv;
    if (!conv || this.rendered.key !== conv.key) return;
    const shown = this.ui.messages.querySelectorAll('li.msg[data-seq]');
    const bottom = this.ui.scroller.getBoundingClientRect().bottom;
    // The last message whose top is on screen: they are in order, so halve the list.
    let lo = 0;
    let hi = shown.length - 1;
    let seen = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (shown[mid].getBoundingClientRect().top < bottom - 8) {
        seen = Number(shown[mid].dataset.seq);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    model.seen(conv.key, seen, this.atBottom());
  }

  renderTimeline(model, conv, switched) {
    const { ui } = this;
    const r = this.rendered;
    const rebuild = switched || r.version !== conv.version || r.count > conv.items.length;
    if (!rebuild && r.count === conv.items.length) return;
    const follow = switched || this.atBottom();
    const oldHeight = ui.scroller.scrollHeight;
    const oldTop = ui.scroller.scrollTop;
    // Messages newer than any shown before: older pages and re-sorts are not news.
    const fresh = switched ? [] : conv.items.filter((i) => i.kind === 'msg' && i.seq > r.maxSeq);
    const mentionsMe = (item) => model.mentionsMe(item);
    if (rebuild) ui.messages.replaceChildren(...renderItems(conv.items, 0, model.me, renderFile, conv.unreadFrom, mentionsMe));
    else ui.messages.append(...renderItems(conv.items, r.count, model.me, renderFile, conv.unreadFrom, mentionsMe));
    this.rendered = { key: conv.key, count: conv.items.length, version: conv.version, maxSeq: conv.maxSeq };
    if (follow || fresh.some((m) => model.isMine(m.from))) {
      this.scrollToBottom();
      if (switched) this.showUnreadLine();
    } else if (rebuild) {
      ui.scroller.scrollTop = oldTop + (ui.scroller.scrollHeight - oldHeight);
    } else if (fresh.length > 0) {
      this.showUnseen(this.unseenBelow + fresh.length);
    }
    if (switched) this.showUnseen(0);
  }

  /** Opening a conversation with more news than fits: start at the "new" line rather than below all of it. */
  showUnreadLine() {
    const line = this.ui.messages.querySelector('.unread-line');
    const s = this.ui.scroller;
    if (line && line.offsetTop - s.offsetTop < s.scrollTop) s.scrollTop = line.offsetTop - s.offsetTop - 8;
  }

  renderHistoryStatus(conv) {
    const status = this.ui.historyStatus;
    if (conv.loadingOlder) status.textContent = 'Loading older messages…';
    else if (conv.loaded && !conv.hasOlder && conv.items.some((i) => i.kind === 'msg')) status.textContent = 'This is the beginning of the conversation.';
    else if (conv.loaded && conv.items.length === 0) status.textContent = 'No messages yet. Say hello!';
    else status.textContent = '';
  }

  /** The open conversation's sends not yet acknowledged (greyed) or failed (with Retry and Discard). */
  renderPendingList(model, conv, switched) {
    const visible = model.pendingIn(conv.key);
    const last = conv.items.at(-1);
    const afterMine = last?.kind === 'msg' && !last.deleted && model.isMine(last.from);
    const shown = `${conv.key} ${afterMine}\n${visible.map((p) => `${p.id} ${p.state} ${p.error ?? ''}`).join('\n')}`;
    if (shown === this.pendingShown && !switched) return;
    this.pendingShown = shown;
    const follow = this.atBottom();
    this.ui.pending.replaceChildren(...visible.map((p, i) => renderPending(p, {
      retry: () => this.handlers.retry(p.id),
      discard: () => this.handlers.discard(p.id),
    }, i === 0 ? afterMine : visible[i - 1].state !== 'failed')));
    if (follow) this.scrollToBottom();
  }

  /** Loads older history when the reader is near the top, or when the messages do not fill the view yet. */
  maybeLoadOlder(conv) {
    if (conv.loadingOlder || !conv.hasOlder) return;
    const s = this.ui.scroller;
    if (s.scrollTop < LOAD_OLDER_PX || s.scrollHeight <= s.clientHeight) {
      const key = conv.key;
      // After this render, not inside it: the request changes the model, which renders again.
      queueMicrotask(() => this.handlers.loadOlder(key));
    }
  }
}
