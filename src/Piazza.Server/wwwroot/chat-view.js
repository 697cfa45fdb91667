// The chat screen around the timeline, drawn from the model: the conversation list with unread badges, the
// conversation's header, the people in it, who we are, and the connection's status.
import { el, avatar, botBadge } from './render.js';
import { sameName } from './conversation.js';
import { presenceOf } from './presence.js';
import { privateMark } from './private-rooms-view.js';
import { tabTitle } from './notifications.js';
import { peopleTotal } from './people-pages.js';
import { retentionText } from './retention.js';

const STATUS_TEXT = {
  connecting: () => 'Connecting…',
  online: () => 'Connected',
  offline: (detail) => `Offline — retrying in ${detail ?? 1} s`,
  stopped: () => 'Disconnected',
};

/** What a presence dot says, for people who cannot see its colour. */
const PRESENCE_TEXT = { online: 'online', away: 'not in any of your rooms', unknown: 'presence unknown while offline' };

export class ChatView {
  /**
   * @param {object} ui the page's elements
   * @param {object} handlers open(key) a conversation, openDirect(user) a private one
   */
  constructor(ui, handlers) {
    this.ui = ui;
    this.handlers = handlers;
    this.shownMe = null;
    // Above the people list: says why everyone is greyed out while the page is not connected.
    this.presenceNote = el('p', 'presence-note');
    this.presenceNote.hidden = true;
    ui.peopleList.before(this.presenceNote);
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
    const { rooms, directs, unread, mentions } = model.sidebar;
    ui.roomList.replaceChildren(...rooms.map((conv) => this.convButton(conv, model)));
    ui.directList.replaceChildren(...directs.map((conv) => this.convButton(conv, model)));
    ui.directEmpty.hidden = directs.length > 0;
    ui.toggleUnread.hidden = unread + mentions === 0;
    ui.toggleUnread.textContent = mentions > 0 ? `@${mentions}` : String(unread);
    // The open conversation in the title: the browser's history (a long press on Back) lists conversations by it.
    const open = model.activeConv ? `${model.activeConv.direct ? '@' : '#'}${model.activeConv.direct ? model.activeConv.peer : model.activeConv.name}` : '';
    document.title = tabTitle({ unread, mentions }, open);
  }

  convButton(conv, model) {
    const { active } = model;
    const li = el('li');
    const button = el('button', 'conv-btn');
    button.type = 'button';
    button.dataset.key = conv.key;
    if (conv.key === active) button.setAttribute('aria-current', 'page');
    const unread = model.shownUnread(conv);
    if (unread > 0 || conv.mentions > 0) button.classList.add('has-unread');
    if (model.isMuted(conv.key)) button.classList.add('muted');
    if (conv.direct) button.append(withPresence(avatar(conv.peer ?? '?', 'avatar tiny'), presenceOf(model, conv.peer ?? '')));
    else button.append(conv.private ? privateMark() : el('span', 'hash', '#'));
    button.append(el('span', 'conv-name', conv.direct ? conv.peer : conv.name));
    if (conv.mentions > 0) {
      const badge = el('span', 'badge mention', `@${conv.mentions}`);
      badge.setAttribute('aria-label', `${conv.mentions} mention${conv.mentions === 1 ? '' : 's'} of you`);
      button.append(badge);
    }
    if (unread > 0) {
      const badge = el('span', 'badge unread', String(unread));
      badge.setAttribute('aria-label', `${unread} unread`);
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
    ui.convTopic.textContent = conv ? (conv.group ? 'Group conversation' : conv.direct ? 'Private conversation' : conv.topic || 'No topic set') : '';
    ui.convTopic.classList.toggle('empty', !conv || (!conv.direct && !conv.topic));
    ui.convRetention.textContent = retentionText(conv);
    ui.convRetention.hidden = ui.convRetention.textContent === '';
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
    if (conv && conv.direct) users = [model.me, ...(conv.others ?? [conv.peer])].map((user) => ({ user }));
    else if (conv) users = [...conv.users];
    users.sort((a, b) => a.user.localeCompare(b.user));
    const live = model.status.kind === 'online';
    ui.people.classList.toggle('stale', !live);
    this.presenceNote.hidden = live || model.me === null; // nothing shown yet on a first connect: nothing stale
    this.presenceNote.textContent = model.status.kind === 'stopped' ? 'Disconnected: who is here is not known.' : 'Offline — reconnecting. Who is here may be out of date.';
    const total = conv && !conv.direct ? peopleTotal(conv) : users.length;
    ui.peopleTotal.textContent = String(total);
    ui.peopleCount.textContent = String(total);
    ui.peopleList.replaceChildren(...users.map((u) => {
      const li = el('li');
      const me = model.isMine(u.user);
      const button = el('button', 'person');
      button.type = 'button';
      button.append(avatar(u.user, 'avatar small'), el('span', 'person-name', u.user));
      if (me) button.append(el('span', 'msg-you', 'you'));
      if (u.guest || (me && !model.registered)) button.append(el('span', 'guest-badge', 'guest'));
      if (u.bot) button.append(botBadge());
      if (conv && !conv.direct && sameName(u.user, conv.owner)) button.append(el('span', 'owner', 'owner'));
      if (u.away) {
        button.classList.add('is-away');
        button.append(el('span', 'away-badge', 'away'));
        button.title = `Away: ${u.away}`;
      }
      const presence = presenceOf(model, u.user);
      const dot = el('span', 'presence');
      dot.dataset.presence = presence;
      dot.setAttribute('aria-label', PRESENCE_TEXT[presence]);
      button.prepend(dot);
      if (me) {
        button.disabled = true;
      } else {
        button.title = u.away ? `Away: ${u.away} — message ${u.user} privately` : `Message ${u.user} privately`;
        button.setAttribute('aria-label', `${u.user}${u.guest ? ' (guest)' : ''}${u.bot ? ' (bot)' : ''}, ${PRESENCE_TEXT[presence]}${u.away ? `, away: ${u.away}` : ''}: send a private message`);
        button.addEventListener('click', () => this.handlers.openDirect(u.user));
      }
      li.append(button);
      return li;
    }));
    if (conv && !conv.direct && (conv.usersNext || conv.usersPartial)) ui.peopleList.append(this.morePeopleItem(conv, Math.max(0, total - users.length)));
  }

  /** A busy room lists its first pages only: this loads the next (`who` with the cursor). */
  morePeopleItem(conv, hidden) {
    const li = el('li', 'people-more');
    const button = el('button', 'more-people', `Show more (${hidden} not listed)`);
    button.type = 'button';
    button.addEventListener('click', () => this.handlers.morePeople(conv.key));
    li.append(button);
    return li;
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

/** A person's avatar with a presence dot on its corner (the private conversations in the sidebar). */
function withPresence(node, presence) {
  const wrap = el('span', 'avatar-presence');
  wrap.dataset.presence = presence;
  const dot = el('span', 'presence');
  dot.dataset.presence = presence;
  wrap.title = PRESENCE_TEXT[presence];
  wrap.append(node, dot);
  return wrap;
}
