// Editing in the page: "Edit" in an own message's menu, ↑ in the empty composer for the latest own message, an
// "Editing message · Esc to cancel" bar over the composer while editing (Enter saves, Esc cancels), and "(edited)"
// after an edited message's text.
import { addMessageAction, addMessagePart } from './message-parts.js';
import { canEdit, editFrame, lastOwnEditable } from './edit.js';

/**
 * Registers the message part and menu action and binds the composer's keys. Call before the app binds its own
 * composer keys, so that Enter and Esc while editing are taken here first.
 * @param {{ composer: HTMLFormElement, input: HTMLTextAreaElement }} ui
 */
export function bindEdit(ui, model, connection, autosize) {
  let editing = null; // { key, item, draft }
  const bar = document.createElement('div');
  bar.className = 'edit-bar';
  bar.setAttribute('role', 'status');
  bar.hidden = true;
  bar.textContent = 'Editing message · Esc to cancel';
  ui.composer.before(bar);

  const isMine = (name) => model.registered && model.isMine(name);

  const start = (item) => {
    editing = { key: model.active, item, draft: editing ? editing.draft : ui.input.value };
    ui.input.value = item.text;
    bar.hidden = false;
    ui.composer.classList.add('editing');
    autosize();
    ui.input.focus();
    ui.input.setSelectionRange(ui.input.value.length, ui.input.value.length);
  };

  const stop = () => {
    if (!editing) return;
    ui.input.value = editing.draft;
    editing = null;
    bar.hidden = true;
    ui.composer.classList.remove('editing');
    autosize();
  };

  const save = async () => {
    const { key, item } = editing;
    const frame = editFrame(item, ui.input.value);
    stop();
    if (!frame) return;
    const answer = await connection.request(frame);
    if (answer.type === 'error') model.notice(key, `Not edited: ${answer.message ?? answer.code}`);
  };

  addMessagePart('after', (item) => {
    if (!item.editedAt || item.deleted) return null;
    const mark = document.createElement('span');
    mark.className = 'msg-edited';
    mark.textContent = '(edited)';
    mark.title = `Edited ${new Date(item.editedAt).toLocaleString()}`;
    return mark;
  });
  addMessageAction({ label: 'Edit', visible: (item) => canEdit(item, isMine), run: start });

  ui.input.addEventListener('keydown', (event) => {
    if (event.isComposing) return;
    if (editing && event.key === 'Escape') {
      event.preventDefault();
      event.stopImmediatePropagation();
      stop();
    } else if (editing && event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      event.stopImmediatePropagation();
      save();
    } else if (!editing && event.key === 'ArrowUp' && !event.altKey && !event.ctrlKey && !event.metaKey && ui.input.value === '') {
      const item = lastOwnEditable(model.activeConv, isMine);
      if (item) {
        event.preventDefault();
        start(item);
      }
    }
  });
  ui.composer.addEventListener('submit', (event) => {
    if (!editing) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    save();
  });
  // Switching conversations ends an edit (the message belongs to the one left).
  model.subscribe(() => {
    if (editing && editing.key !== model.active) stop();
  });
}
