// What features add to a rendered message (issue 15: edit, reply, reactions, formatting, pins), registered once at
// start so render.js stays one small builder: parts above and below the text, the text renderer, and the actions in
// a message's menu. Each builder gets the timeline item and { me } and returns a Node or null; none may use innerHTML.

const parts = { before: [], after: [] };
const actions = [];
let textRenderer = null;

/** Adds a builder of a node shown above the text ('before', e.g. a reply's quote) or below it ('after', e.g. reactions). */
export function addMessagePart(where, build) {
  parts[where].push(build);
}

/** Replaces how a message's text becomes nodes: render(parent, text) (formatting); the default is render.js's appendText. */
export function setTextRenderer(render) {
  textRenderer = render;
}

/** Adds an entry to a message's menu: { label, visible(item, ctx) → bool, run(item) }. */
export function addMessageAction(action) {
  actions.push(action);
}

export function buildParts(where, item, ctx) {
  return parts[where].map((build) => build(item, ctx)).filter(Boolean);
}

export const customTextRenderer = () => textRenderer;

/** The "⋯" button and its menu for a message, or null when no action applies to it. */
export function buildMenu(item, ctx, el) {
  const usable = actions.filter((a) => a.visible(item, ctx));
  if (usable.length === 0) return null;
  const wrap = el('div', 'msg-menu');
  const button = el('button', 'msg-menu-button', '⋯');
  button.type = 'button';
  button.title = 'Message actions';
  button.setAttribute('aria-label', 'Message actions');
  button.setAttribute('aria-haspopup', 'menu');
  const list = el('div', 'msg-menu-list');
  list.setAttribute('role', 'menu');
  list.hidden = true;
  for (const action of usable) {
    const entry = el('button', 'msg-menu-item', action.label);
    entry.type = 'button';
    entry.setAttribute('role', 'menuitem');
    entry.addEventListener('click', () => {
      list.hidden = true;
      action.run(item);
    });
    list.append(entry);
  }
  button.addEventListener('click', () => {
    list.hidden = !list.hidden;
  });
  wrap.append(button, list);
  return wrap;
}
