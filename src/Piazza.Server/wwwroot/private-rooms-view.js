// Private rooms on the page: the lock that marks one in the room list, and the invitations with their Join buttons.
import { el } from './render.js';
import { keyOf } from './conversation.js';
import { invitationsOf } from './private-rooms.js';

/** The room list's mark for a private room, in place of its '#'. */
export function privateMark() {
  const mark = el('span', 'hash private-mark', '🔒');
  mark.title = 'Private room: only its members and invited people can see it';
  mark.setAttribute('aria-label', 'private room');
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
