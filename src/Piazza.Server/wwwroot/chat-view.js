// The chat screen around the timeline, drawn from the model: the conversation list with unread badges, the
// conversation's header, the people in it, who we are, and the connection's status.
import { el, avatar } from './render.js';
import { sameName } from './conversation.js';

const STATUS_TEXT = {
  connecting: () => 'Connecting…',
  online: () => 'Connected',
  offline: (detail) => `Offline — retrying in ${detail ?? 1} s`,
  stopped: () => 'Disconnected',
};

export class ChatView {
  /**
   * @param {object} ui the page's elements
   * @param {object} handlers open(key) a conversation, openDirect(user) a private one
   */
  constructor(ui, handlers) {
    this.ui = ui;
    this.handlers = handlers;
    this.shownMe = null;
  }

  render(model) {
    this.renderMe(model);
    this.renderSidebar(model);
    this.renderHeader(model);
    this.renderPeople(model);
    this.renderStatus(model.status);
  }

  renderMe(model) {
    const shown = model.me === null ? null : `${model.me} ${model.registered}`;
    if (shown === this.shownMe) return;
    this.shownMe = shown;
    if (model.me === null) return;
    this.ui.meName.replaceChildren(avatar(model.me, 'avatar small'), el('span', null, model.me));
    this.ui.meName.title = model.registered ? `Signed in as ${model.me}` : `${model.me} (guest)`;
  }

  renderSidebar(model) {
    const { ui } = this;
    const { rooms, directs, unread } = model.sidebar;
    ui.roomList.replaceChildren(...rooms.map((conv) => this.convButton(conv, model.active)));
    ui.directList.replaceChildren(...directs.map((conv) => this.convButton(conv, model.active)));
    ui.directEmpty.hidden = directs.length > 0;
    ui.toggleUnread.hidden = unread === 0;
    ui.toggleUnread.textContent = String(unread);
    // The open conversation in the title: the browser's history (a long press on Back) lists conversations by it.
    const open = model.activeConv ? `${model.activeConv.direct ? '@' : '#'}${model.activeConv.direct ? model.activeConv.peer : model.activeConv.name} · ` : '';
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${open}Piazza`;
  }

  convButton(conv, active) {
    const li = el('li');
    const button = el('button', 'conv-btn');
    button.type = 'button';
    button.dataset.key = conv.key;
    if (conv.key === active) button.setAttribute('aria-current', 'page');
    if (conv.unread > 0) button.classList.add('has-unread');
    if (conv.direct) button.append(avatar(conv.peer ?? '?', 'avatar tiny'));
    else button.append(el('span', 'hash', '#'));
    button.append(el('span', 'conv-name', conv.direct ? conv.peer : conv.name));
    if (conv.unread > 0) {
      const badge = el('span', 'badge unread', String(conv.unread));
      badge.setAttribute('aria-label', `${conv.unread} unread`);
      button.append(badge);
    }
    const { key } = conv;
    button.addEventListener('click', () => this.handlers.open(key));
    li.append(button);
    return li;
  }

  renderHeader(model) {
    const { ui } = this;
    const conv = model.activeConv;
    ui.convTitle.textContent = conv ? (conv.direct ? `@${conv.peer}` : `#${conv.name}`) : '';
    ui.convTopic.textContent = conv ? (conv.direct ? 'Private conversation' : conv.topic || 'No topic set') : '';
    ui.convTopic.classList.toggle('empty', !conv || (!conv.direct && !conv.topic));
    ui.leave.hidden = !conv;
    ui.leave.textContent = conv?.direct ? 'Close' : 'Leave';
    ui.leave.setAttribute('aria-label', conv ? (conv.direct ? `Close conversation with ${conv.peer}` : `Leave ${conv.name}`) : 'Leave');
    ui.editTopic.hidden = !conv || conv.direct || !model.isMine(conv.owner);
    ui.input.placeholder = conv ? `Message ${conv.direct ? `@${conv.peer}` : `#${conv.name}`}` : 'Message';
  }

  renderPeople(model) {
    const { ui } = this;
    const conv = model.activeConv;
    let users = [];
    if (conv && conv.direct) users = [{ user: model.me }, { user: conv.peer }];
    else if (conv) users = [...conv.users];
    users.sort((a, b) => a.user.localeCompare(b.user));
    ui.peopleTotal.textContent = String(users.length);
    ui.peopleCount.textContent = String(users.length);
    ui.peopleList.replaceChildren(...users.map((u) => {
      const li = el('li');
      const me = model.isMine(u.user);
      const button = el('button', 'person');
      button.type = 'button';
      button.append(avatar(u.user, 'avatar small'), el('span', 'person-name', u.user));
      if (me) button.append(el('span', 'msg-you', 'you'));
      if (u.guest || (me && !model.registered)) button.append(el('span', 'guest-badge', 'guest'));
      if (conv && !conv.direct && sameName(u.user, conv.owner)) button.append(el('span', 'owner', 'owner'));
      const dot = el('span', 'presence');
      dot.setAttribute('aria-label', 'online');
      button.prepend(dot);
      if (me) {
        button.disabled = true;
      } else {
        button.title = `Message ${u.user} privately`;
        button.setAttribute('aria-label', `${u.user}${u.guest ? ' (guest)' : ''}, online: send a private message`);
        button.addEventListener('click', () => this.handlers.openDirect(u.user));
      }
      li.append(button);
      return li;
    }));
  }

  renderStatus({ kind, detail, message }) {
    const { ui } = this;
    ui.status.dataset.state = kind;
    const text = STATUS_TEXT[kind](detail);
    ui.statusText.textContent = message ? `${message} — ${text}` : text;
    ui.status.title = kind === 'offline' ? 'Click to retry now' : '';
    ui.composer.classList.toggle('offline', kind !== 'online');
  }
}
