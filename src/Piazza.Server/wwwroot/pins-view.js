// The pins on the page: a "📌 N" button in the conversation's header toggling a panel that lists the pinned messages
// (clicking one scrolls to it when it is loaded), "Pin"/"Unpin" in a message's menu for those allowed, and a small
// mark on pinned messages. State and requests' shapes are pins.js's; this file owns the DOM and sends.
import { el } from './render.js';
import { addMessageAction, addMessagePart } from './message-parts.js';
import { isPinned, mayPin, pinAnswer, pinLine, pinRequest, pinnedIds, pinsRequest, takePins } from './pins.js';

/**
 * Adds the button and the panel to the conversation view and registers the message parts; returns `{ render }`,
 * called after every model change.
 */
export function bindPins(ui, model, connection) {
  const button = el('button', 'btn small ghost pins-toggle');
  button.type = 'button';
  button.id = 'toggle-pins';
  button.setAttribute('aria-controls', 'pins-panel');
  button.setAttribute('aria-expanded', 'false');
  ui.conversation.querySelector('.conv-actions')?.prepend(button);

  const panel = el('section', 'pins-panel');
  panel.id = 'pins-panel';
  panel.hidden = true;
  panel.setAttribute('aria-label', 'Pinned messages');
  const heading = el('h3', 'pins-heading', 'Pinned messages');
  const status = el('p', 'pins-status');
  const list = el('ol', 'pins-list');
  panel.append(heading, status, list);
  ui.conversation.querySelector('.conv-header')?.after(panel);

  let loading = null; // the key of the conversation whose list is being asked for

  async function load(conv) {
    if (loading === conv.key) return;
    loading = conv.key;
    const problem = takePins(conv, await connection.request(pinsRequest(conv)));
    loading = null;
    if (problem) model.notice(conv.key, problem);
    model.changed();
  }

  async function pin(item, on) {
    const conv = model.activeConv;
    if (!conv) return;
    const text = pinAnswer(on, await connection.request(pinRequest(conv, item.id, on)));
    if (text) model.notice(conv.key, text);
  }

  function jumpTo(pinned) {
    const node = ui.messages.querySelector(`li.msg[data-seq="${Number(pinned.seq)}"]`);
    if (!node) {
      model.notice(model.active, `Message #${pinned.seq} is not loaded: scroll up to reach it.`);
      return;
    }
    node.scrollIntoView({ block: 'center' });
    node.classList.add('pin-flash');
    setTimeout(() => node.classList.remove('pin-flash'), 1500);
  }

  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    button.setAttribute('aria-expanded', String(!panel.hidden));
    const conv = model.activeConv;
    if (!panel.hidden && conv) load(conv);
  });

  addMessagePart('before', (item) => (isPinned(model.activeConv, item.id) ? el('span', 'pin-mark', '📌 pinned') : null));
  addMessageAction({ label: 'Pin', visible: (item) => !item.deleted && mayPin(model, model.activeConv) && !isPinned(model.activeConv, item.id), run: (item) => pin(item, true) });
  addMessageAction({ label: 'Unpin', visible: (item) => mayPin(model, model.activeConv) && isPinned(model.activeConv, item.id), run: (item) => pin(item, false) });

  let shownKey = null;
  function render() {
    const conv = model.activeConv;
    button.hidden = !conv;
    if (!conv) {
      panel.hidden = true;
      return;
    }
    const count = pinnedIds(conv).length;
    button.textContent = `📌 ${count}`;
    button.title = count === 1 ? '1 pinned message' : `${count} pinned messages`;
    button.setAttribute('aria-label', `Pinned messages: ${count}`);
    if (panel.hidden) return;
    if (shownKey !== conv.key || conv.pinsStale) {
      shownKey = conv.key;
      load(conv);
    }
    const pins = conv.pinsList ?? [];
    status.textContent = pins.length === 0 ? 'Nothing is pinned here.' : '';
    list.replaceChildren(...pins.map((p) => {
      const entry = el('li', 'pin-item');
      const link = el('button', 'pin-link', pinLine(p));
      link.type = 'button';
      link.dataset.seq = String(p.seq);
      link.addEventListener('click', () => jumpTo(p));
      entry.append(link, el('span', 'pin-by', `pinned by ${p.pinnedBy ?? '?'}`));
      return entry;
    }));
  }

  return { render };
}
