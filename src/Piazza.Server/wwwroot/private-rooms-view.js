// Private rooms on the page: the lock that marks one in the room list, and the invitations with their Join buttons.
import { el } from './render.js';
import { keyOf } from './conversation.js';
import { invitationsOf } from './private-rooms.js';

const SVG = 'http://www.w3.org/2000/svg';

/** The room list's mark for a private room, in place of its '#': a padlock drawn as SVG (no emoji font needed). */
export function privateMark() {
  const mark = el('span', 'hash private-mark');
  mark.title = 'Private room: only its members and invited people can see it';
  mark.setAttribute('role', 'img');
  mark.setAttribute('aria-label', 'private room');
  const icon = document.createElementNS(SVG, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('width', '14');
  icon.setAttribute('height', '14');
  icon.setAttribute('aria-hidden', 'true');
  const body = document.createElementNS(SVG, 'rect');
  for (const [name, value] of Object.entries({ x: 5, y: 10.5, width: 14, height: 10, rx: 2, fill: 'currentColor' })) body.setAttribute(name, String(value));
  const shackle = document.createElementNS(SVG, 'path');
  for (const [name, value] of Object.entries({ d: 'M8 10.5V7.5a4 4 0 0 1 8 0v3', fill: 'none', stroke: 'currentColor', 'stroke-width': 2 })) shackle.setAttribute(name, String(value));
  icon.append(body, shackle);
  mark.append(icon);
  return mark;
}

/** The open invitations above the room list, each with a Join button (`join(room)`); hidden when there are none. */
export function renderInvitations(list, model, join) {
  const open = invitationsOf(model).filter((i) => !model.conv(keyOf(i.room))?.joined);
  list.hidden = open.length === 0;
  list.replaceChildren(...open.map((invitation) => {
    const item = el('li', 'invitation');
    item.append(el('span', 'invitation-text', `${invitation.by} invited you to #${invitation.room}`));
    const button = el('button', 'btn small primary', 'Join');
    button.type = 'button';
    button.dataset.room = invitation.room;
    button.setAttribute('aria-label', `Join #${invitation.room}`);
    button.addEventListener('click', () => join(invitation.room));
    item.append(button);
    return item;
  }));
}
