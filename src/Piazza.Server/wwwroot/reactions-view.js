// The reaction bar under messages (one chip per emoji with its count, highlighted when it is ours, a click toggles
// it, the tooltip names who reacted) and the message menu's "React" entry, which opens a small picker of common emoji.
import { addMessageAction, addMessagePart } from './message-parts.js';
import { COMMON_EMOJI, chipsOf, mayReact, toggleFrame } from './reactions.js';

/**
 * Registers the bar and the menu entry once at start.
 * @param {{ registered(): boolean, send(frame: object): Promise<object>, refused(text: string): void }} deps
 */
export function registerReactions(deps) {
  addMessagePart('after', (item, { me }) => renderBar(item, me, deps));
  addMessageAction({
    label: 'React',
    visible: (item) => mayReact(item, deps.registered()),
    run: (item) => openPicker(item, deps),
  });
}

function renderBar(item, me, deps) {
  const chips = chipsOf(item, me);
  if (chips.length === 0) return null;
  const bar = document.createElement('div');
  bar.className = 'reaction-bar';
  for (const chip of chips) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `reaction-chip${chip.mine ? ' mine' : ''}`;
    button.title = chip.names;
    button.setAttribute('aria-pressed', String(chip.mine));
    button.setAttribute('aria-label', `${chip.emoji} ${chip.count}: ${chip.names}`);
    button.append(textSpan('reaction-emoji', chip.emoji), textSpan('reaction-count', String(chip.count)));
    button.disabled = !deps.registered();
    button.addEventListener('click', () => react(deps, toggleFrame(item, chip.emoji, me)));
    bar.append(button);
  }
  return bar;
}

function openPicker(item, deps) {
  document.querySelector('.reaction-picker')?.remove();
  const picker = document.createElement('div');
  picker.className = 'reaction-picker';
  picker.setAttribute('role', 'dialog');
  picker.setAttribute('aria-label', 'Pick a reaction');
  const close = () => {
    picker.remove();
    document.removeEventListener('keydown', onKey);
    document.removeEventListener('mousedown', onOutside, true);
  };
  const onKey = (e) => { if (e.key === 'Escape') close(); };
  const onOutside = (e) => { if (!picker.contains(e.target)) close(); };
  for (const emoji of COMMON_EMOJI) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'reaction-pick';
    button.textContent = emoji;
    button.title = `React with ${emoji}`;
    button.addEventListener('click', () => {
      close();
      react(deps, { type: 'react', msg: item.id, emoji });
    });
    picker.append(button);
  }
  const anchor = document.querySelector(`li.msg[data-id="${CSS.escape(item.id)}"]`);
  const box = anchor?.getBoundingClientRect();
  document.body.append(picker);
  if (box) {
    picker.style.top = `${Math.max(8, Math.min(window.innerHeight - picker.offsetHeight - 8, box.bottom - 8))}px`;
    picker.style.left = `${Math.max(8, Math.min(window.innerWidth - picker.offsetWidth - 8, box.left + 48))}px`;
  }
  document.addEventListener('keydown', onKey);
  document.addEventListener('mousedown', onOutside, true);
  picker.querySelector('button')?.focus();
}

async function react(deps, frame) {
  const answer = await deps.send(frame);
  if (answer?.type === 'error') deps.refused(`Reaction not ${frame.type === 'react' ? 'added' : 'removed'}: ${answer.message ?? answer.code}`);
}

function textSpan(className, text) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  return span;
}
