// The search box in the header and its results panel. Snippets are built from text nodes and <mark> elements split
// on the markers (search.js), never innerHTML. Clicking a result opens its conversation, loads older history until
// the message is there and scrolls to it.
import { SearchModel, snippetParts } from './search.js';
import { keyOf } from './conversation.js';

const MAX_OLDER_PAGES = 400;

/**
 * @param {{ form: HTMLFormElement, input: HTMLInputElement, panel: HTMLElement, list: HTMLElement, summary: HTMLElement,
 *   more: HTMLButtonElement, close: HTMLButtonElement, messages: HTMLElement }} ui
 * @param {{ model: object, connection: object, actions: object, open: (key: string) => void }} deps
 */
export function bindSearch(ui, { model, connection, actions, open }) {
  const search = new SearchModel();
  let shown = -1;

  const render = () => {
    if (shown === search.version) return;
    shown = search.version;
    ui.panel.hidden = !search.open;
    ui.summary.textContent = search.summary();
    ui.more.hidden = !search.next;
    ui.more.disabled = search.loading;
    ui.list.replaceChildren(...search.results.map(resultItem));
  };

  const ask = async (frame) => {
    if (!frame) {
      render();
      return;
    }
    const query = search.query;
    render();
    search.answered(query, await connection.request(frame));
    render();
  };

  const resultItem = (result) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'search-result';
    button.dataset.seq = String(result.seq);
    button.dataset.room = result.room ?? '';
    const head = document.createElement('span');
    head.className = 'search-head';
    const room = document.createElement('span');
    room.className = 'search-room';
    room.textContent = result.room ?? '';
    const from = document.createElement('span');
    from.className = 'search-from';
    from.textContent = result.from ?? '';
    const time = document.createElement('time');
    time.className = 'search-time';
    if (result.ts) {
      time.dateTime = result.ts;
      time.textContent = new Date(result.ts).toLocaleString();
    }
    head.append(room, from, time);
    const snippet = document.createElement('span');
    snippet.className = 'search-snippet';
    for (const part of snippetParts(result.snippet)) {
      if (part.match) {
        const mark = document.createElement('mark');
        mark.textContent = part.text;
        snippet.append(mark);
      } else {
        snippet.append(document.createTextNode(part.text));
      }
    }
    button.append(head, snippet);
    button.addEventListener('click', () => jump(result));
    li.append(button);
    return li;
  };

  /** Opens the result's conversation and scrolls to the message, loading older pages until it is held. */
  const jump = async (result) => {
    const key = keyOf(result.room);
    if (!model.conv(key)) {
      const other = result.room?.startsWith('@') ? result.room.slice(1).split(',').filter((n) => !model.isMine(n)) : [];
      if (other.length === 0 || !(await actions.openDirect(other.join(',')))) return;
    } else {
      open(key);
    }
    const conv = model.conv(key) ?? model.activeConv;
    for (let i = 0; i < MAX_OLDER_PAGES && conv && conv.minSeq > result.seq && conv.hasOlder; i++) {
      // A page the view asked for (scrolled to the top) is waited for rather than asked again.
      if (conv.loadingOlder) await new Promise((resolve) => setTimeout(resolve, 50));
      else await actions.loadOlder(conv.key);
    }
    requestAnimationFrame(() => {
      const li = ui.messages.querySelector(`li.msg[data-seq="${Number(result.seq)}"]`);
      if (!li) return;
      li.scrollIntoView({ block: 'center' });
      li.classList.remove('search-target');
      void li.offsetWidth; // restart the highlight animation
      li.classList.add('search-target');
    });
  };

  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    ask(search.start(ui.input.value));
  });
  ui.more.addEventListener('click', () => ask(search.more()));
  ui.close.addEventListener('click', () => {
    search.close();
    render();
  });
  ui.input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      search.close();
      render();
    }
  });
  render();
  return { search, render };
}
