// Replies on the page: "Reply" in a message's menu, the "Replying to bob: …" bar above the input (Esc or × cancels),
// the quote above a reply's text, and a click on a quote that scrolls to the original (loading older pages first when
// it is not loaded yet) and highlights it briefly. Builds nodes with textContent only.
import { addMessageAction, addMessagePart } from './message-parts.js';
import { el } from './render.js';
import { canReply, cancelReply, quoteLabel, replyFor, revealMessage, startReply } from './reply.js';

const HIGHLIGHT_MS = 3000;

/**
 * Wires replies: `ui` has composer, input, messages (the list) and scroller; `loadOlder(key)` loads the page before the
 * oldest message held and resolves when it is in. Returns render(), to call whenever the model changed.
 */
export function bindReplies(ui, model, loadOlder) {
  const bar = el('div', 'reply-bar');
  bar.id = 'reply-bar';
  bar.hidden = true;
  bar.setAttribute('role', 'status');
  const label = el('span', 'reply-bar-text');
  const close = el('button', 'reply-bar-close', '×');
  close.type = 'button';
  close.title = 'Cancel the reply (Esc)';
  close.setAttribute('aria-label', 'Cancel the reply');
  close.addEventListener('click', () => {
    cancelReply(model);
    ui.input.focus();
  });
  bar.append(label, close);
  ui.composer.before(bar);

  ui.input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && replyFor(model, model.active)) {
      event.preventDefault();
      event.stopPropagation();
      cancelReply(model);
    }
  });

  addMessageAction({
    label: 'Reply',
    visible: (item) => canReply(item),
    run: (item) => {
      if (startReply(model, item)) ui.input.focus();
    },
  });

  addMessagePart('before', (item) => {
    if (!item.reply || item.deleted) return null;
    const quote = el('button', `msg-quote${item.reply.deleted ? ' msg-quote-deleted' : ''}`);
    quote.type = 'button';
    quote.title = 'Show the original message';
    quote.dataset.replyTo = String(item.reply.seq);
    quote.append(el('span', 'msg-quote-arrow', '↳ '), el('span', 'msg-quote-text', quoteLabel(item.reply)));
    quote.addEventListener('click', () => reveal(item.reply.seq));
    return quote;
  });

  /** Scrolls to message `seq` of the open conversation and highlights it; loads older pages until it is there. */
  async function reveal(seq) {
    const key = model.active;
    const found = await revealMessage(model, key, seq, loadOlder, { wait: () => new Promise((r) => requestAnimationFrame(r)) });
    if (!found || model.active !== key) return;
    await new Promise((r) => requestAnimationFrame(r)); // the list re-renders with the loaded pages first
    const node = ui.messages.querySelector(`li[data-seq="${seq}"]`);
    if (!node) return;
    node.scrollIntoView({ block: 'center' });
    node.classList.add('msg-highlight');
    setTimeout(() => node.classList.remove('msg-highlight'), HIGHLIGHT_MS);
  }

  return function render() {
    const reply = replyFor(model, model.active);
    bar.hidden = !reply;
    if (reply) label.textContent = `Replying to ${quoteLabel(reply, 80)}`;
  };
}
