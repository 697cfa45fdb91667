// Piazza's web client: wires the model (model.js, frames in, state out) to the connection (connection.js, the /ws
// WebSocket door), to the views that render from it and to the address bar (navigation.js); owns the session
// (sign-in, logout) and the page's own controls.
import { Connection } from './connection.js';
import { ChatModel } from './model.js';
import { Actions } from './actions.js';
import { ChatView } from './chat-view.js';
import { MessagesView } from './messages-view.js';
import { UploadsView } from './uploads-view.js';
import { useToken, forgetFiles } from './files.js';
import { Navigation } from './navigation.js';
import { LoginForm } from './login.js';
import { SettingsView } from './settings-view.js';
import { retriesRefusal } from './refusals.js';
import { bindAway } from './away-view.js';
import { renderInvitations } from './private-rooms-view.js';
import { bindPins } from './pins-view.js';
import { Attention } from './attention.js';
import { setTextRenderer } from './message-parts.js';
import { renderMarkdown } from './markdown.js';
import { bindEdit } from './edit-view.js';
import { bindReplies } from './reply-view.js';
import { registerReactions } from './reactions-view.js';
import { bindSearch } from './search-view.js';
import { bindTokens } from './tokens-view.js';

// Formatting (issue 15): messages show their Markdown subset.
setTextRenderer(renderMarkdown);

const TOKEN_KEY = 'piazza.token';
const GUEST_FILES = 'Guests cannot share files: log in or register an account.';

const $ = (id) => document.getElementById(id);
const ui = {
  loginView: $('login-view'), loginForm: $('login-form'), loginUser: $('login-user'), loginPassword: $('login-password'),
  loginError: $('login-error'), chatView: $('chat-view'), status: $('status'), statusText: $('status-text'),
  meName: $('me-name'), logout: $('logout'), toggleSidebar: $('toggle-sidebar'), toggleUnread: $('toggle-unread'),
  sidebar: $('sidebar'), scrim: $('scrim'), joinForm: $('join-form'), joinRoom: $('join-room'), roomList: $('room-list'),
  joinPrivate: $('join-private'), invitationList: $('invitation-list'),
  directList: $('direct-list'), directEmpty: $('direct-empty'), convTitle: $('conv-title'), convTopic: $('conv-topic'), convRetention: $('conv-retention'),
  editTopic: $('edit-topic'), leave: $('leave'), togglePeople: $('toggle-people'), peopleCount: $('people-count'),
  people: $('people'), peopleTotal: $('people-total'), peopleList: $('people-list'), scroller: $('scroller'),
  historyStatus: $('history-status'), messages: $('messages'), pending: $('pending'), newMessages: $('new-messages'),
  composer: $('composer'), input: $('input'), attach: $('attach'), fileInput: $('file-input'), uploads: $('uploads'),
  conversation: $('conversation'), guestNote: $('guest-note'), openSettings: $('open-settings'), settings: $('settings'),
  notifyPrivate: $('notify-private'), notifyState: $('notify-state'), mute: $('mute'),
};

const model = new ChatModel();
const connection = new Connection(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`, {
  hello: () => model.hello(),
  welcome: (frame) => {
    showChat();
    run(model.welcome(frame));
    attention.welcomed();
  },
  refused: onRefused,
  frame: (frame) => {
    run(model.receive(frame));
    settingsView.notify(frame, { me: model.me, hidden: document.hidden, ...attention.about(frame), openConversation: openNotified });
  },
  state: onConnectionState,
});
useToken(() => model.credentials?.token ?? null);

const actions = new Actions(model, connection, { open, sent: () => messagesView.scrollToBottom() });
const navigation = new Navigation(model, actions, { open: show });
const login = new LoginForm(ui, { submit: startSession });
const settingsView = new SettingsView(ui, { storage: localStorage, notificationApi: window.Notification });
const chatView = new ChatView(ui, { open, openDirect: (user) => actions.openDirect(user), morePeople: (key) => actions.morePeople(key) });
const messagesView = new MessagesView(ui, {
  loadOlder: (key) => actions.loadOlder(key),
  retry: (id) => actions.send(model.retry(id)),
  discard: (id) => model.discard(id),
});
model.subscribe(bindReplies(ui, model, (key) => actions.loadOlder(key)));
const attention = new Attention({ model, connection, storage: localStorage, muteButton: ui.mute });
const uploadsView = new UploadsView(ui.uploads, {
  done: (target, file) => actions.send(model.shareFile(target, file)),
  notice: (key, text) => model.notice(key, text),
});
bindEdit({ composer: ui.composer, input: ui.input }, model, connection, () => autosize());
registerReactions({
  registered: () => model.registered,
  send: (frame) => connection.request(frame),
  refused: (text) => model.notice(model.active, text),
});
const pinsView = bindPins(ui, model, connection);
const awayView = bindAway({ typing: $('typing'), awayToggle: $('away-toggle'), input: ui.input }, model, connection, actions);
bindSearch({
  form: $('search-form'), input: $('search-input'), panel: $('search-panel'), list: $('search-results'),
  summary: $('search-summary'), more: $('search-more'), close: $('search-close'), messages: ui.messages,
}, { model, connection, actions, open });
bindTokens(ui.settings, { registered: () => model.registered, request: (frame) => connection.request(frame) });
model.subscribe(() => {
  chatView.render(model);
  awayView.render();
  pinsView.render();
  renderInvitations(ui.invitationList, model, (room) => actions.joinRoom(room));
  messagesView.render(model);
  renderFileSharing();
  navigation.follow();
});

/** Carries out what the model asked for after a frame. */
function run(effects) {
  for (const effect of effects) {
    switch (effect.kind) {
      case 'send': connection.send(effect.frame); break; // offline: it stays pending and goes out after the next welcome
      case 'remember': localStorage.setItem(TOKEN_KEY, effect.token); break;
      case 'rejoin': actions.rejoin(effect.key, effect.room); break;
      case 'fillGap': actions.fillGap(effect.key, effect.after); break;
      // The server sends a login's rooms and history before it reads our next frame: the pong marks the end, and
      // then the conversation the address names can be found (or joined).
      case 'sync':
        connection.request({ type: 'ping' }).then(() => {
          model.markSynced();
          return navigation.restore();
        });
        break;
      case 'stop':
        connection.stop();
        model.setStatus('stopped', null, effect.text);
        break;
      default: break;
    }
  }
}

// ---------------------------------------------------------------- sign-in

function startSession(credentials) {
  model.signIn(credentials);
  connection.start();
}

/** A refused hello: true keeps trying (a resumed session waiting out a busy server), else the form says why. */
function onRefused(frame, attempt) {
  const resuming = Boolean(model.credentials?.token) || model.me !== null;
  if (retriesRefusal(frame, { resuming, attempt })) return true;
  const { text, forgetToken, field } = model.refusal(frame);
  if (forgetToken) localStorage.removeItem(TOKEN_KEY);
  endSession();
  showLogin(text, { field });
  return false;
}

function onConnectionState(kind, detail) {
  model.setStatus(kind, detail);
  // A sign-in from the form that cannot reach the server says so, instead of a form that silently keeps trying.
  if (kind === 'offline' && login.shown && model.me === null) {
    connection.stop();
    login.show(`Cannot reach the server at ${location.host}: check your connection, then try again.`);
  }
}

function showLogin(message, options) {
  ui.chatView.hidden = true;
  login.show(message, options);
  navigation.expect();
  document.title = 'Piazza';
}

function showChat() {
  if (!ui.chatView.hidden) return;
  login.hide();
  ui.chatView.hidden = false;
  if (!isNarrow()) ui.input.focus();
}

function endSession() {
  uploadsView.cancelAll();
  forgetFiles();
  messagesView.clear();
  model.clear();
}

async function logout() {
  if (connection.online && model.registered) await connection.request({ type: 'logout' }, 3000);
  connection.stop();
  localStorage.removeItem(TOKEN_KEY);
  endSession();
  navigation.reset();
  showLogin('You are logged out.', { clearPassword: true });
}

// ---------------------------------------------------------------- the page's controls

/** A notification was clicked: its conversation (a private one with a person not listed yet is opened anew). */
function openNotified({ tag, from }) {
  if (model.conv(tag)) open(tag);
  else actions.openDirect(from);
}

/** The person opens a conversation: a new entry in the browser's history (Back returns), then show(key). */
function open(key) {
  if (!model.conv(key)) return;
  navigation.push(key);
  show(key);
}

/** Shows a conversation: its draft replaces the one being left, drawers close, the composer gets the focus. */
function show(key) {
  if (!model.conv(key)) return;
  const draft = model.activate(key, ui.input.value);
  if (draft !== null) {
    ui.input.value = draft;
    autosize();
  }
  setDrawer(null);
  if (!isNarrow()) ui.input.focus();
}

function submitInput() {
  const raw = ui.input.value;
  if (!raw.trim()) return;
  ui.input.value = '';
  autosize();
  model.clearDraft();
  actions.submit(raw);
}

const canShareFiles = () => model.registered && Boolean(model.credentials?.token);

/** Uploads files for the open conversation; guests are told why they cannot. */
function uploadFiles(files) {
  const target = model.sendTarget();
  if (!target || files.length === 0) return;
  if (!canShareFiles()) {
    model.notice(target.key, GUEST_FILES);
    return;
  }
  uploadsView.start(files, target);
}

/** A guest sees up front that the paperclip is not for them, and why (the title, and a line under the composer). */
function renderFileSharing() {
  const guest = model.me !== null && !model.registered;
  ui.attach.setAttribute('aria-disabled', String(guest));
  ui.attach.title = guest ? GUEST_FILES : 'Attach files (or drop them on the conversation)';
  if (guest) ui.attach.setAttribute('aria-describedby', 'guest-note');
  else ui.attach.removeAttribute('aria-describedby');
  ui.guestNote.hidden = !guest;
}

const narrowQuery = window.matchMedia('(max-width: 759px)');
const isNarrow = () => narrowQuery.matches;

function setDrawer(which) {
  document.body.classList.toggle('sidebar-open', which === 'sidebar');
  document.body.classList.toggle('people-open', which === 'people');
  ui.toggleSidebar.setAttribute('aria-expanded', String(which === 'sidebar'));
  ui.togglePeople.setAttribute('aria-expanded', String(which === 'people'));
  ui.scrim.hidden = which === null;
}

function autosize() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 180)}px`;
}

ui.logout.addEventListener('click', logout);
ui.toggleSidebar.addEventListener('click', () => setDrawer(document.body.classList.contains('sidebar-open') ? null : 'sidebar'));
ui.togglePeople.addEventListener('click', () => setDrawer(document.body.classList.contains('people-open') ? null : 'people'));
ui.scrim.addEventListener('click', () => setDrawer(null));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') setDrawer(null);
  if (ui.chatView.hidden || ui.settings.open || event.defaultPrevented) return;
  // Ctrl+, opens the settings (as in Slack and Element); Alt+↑/↓ goes to the previous or next conversation.
  if (event.key === ',' && (event.ctrlKey || event.metaKey) && !event.altKey) {
    event.preventDefault();
    settingsView.open();
  } else if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
    event.preventDefault();
    const { rooms, directs } = model.sidebar;
    const order = [...rooms, ...directs].map((c) => c.key);
    const at = order.indexOf(model.active);
    const next = order[(at + (event.key === 'ArrowUp' ? order.length - 1 : 1)) % order.length];
    if (next && next !== model.active) open(next);
  }
});
ui.status.addEventListener('click', () => connection.retryNow());
window.addEventListener('online', () => connection.retryNow());

ui.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = ui.joinRoom.value.trim();
  if (!room) return;
  ui.joinRoom.value = '';
  actions.joinRoom(room, ui.joinPrivate.checked);
  ui.joinPrivate.checked = false;
});
ui.leave.addEventListener('click', () => actions.leave(model.active));
ui.editTopic.addEventListener('click', () => {
  ui.input.value = `/topic ${model.activeConv?.topic ?? ''}`;
  autosize();
  ui.input.focus();
});
ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  submitInput();
  ui.input.focus();
});
ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submitInput();
  }
});
ui.input.addEventListener('input', autosize);
ui.attach.addEventListener('click', () => {
  if (canShareFiles()) ui.fileInput.click();
  else model.notice(model.active, GUEST_FILES);
});
ui.fileInput.addEventListener('change', () => {
  uploadFiles([...ui.fileInput.files]);
  ui.fileInput.value = '';
});
// Drag and drop onto the conversation: only drags that carry files are taken.
const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
ui.conversation.addEventListener('dragover', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  ui.conversation.classList.add('drop-target');
});
ui.conversation.addEventListener('dragleave', (event) => {
  if (!ui.conversation.contains(event.relatedTarget)) ui.conversation.classList.remove('drop-target');
});
ui.conversation.addEventListener('drop', (event) => {
  ui.conversation.classList.remove('drop-target');
  if (!carriesFiles(event)) return;
  event.preventDefault();
  uploadFiles([...event.dataTransfer.files]);
});
model.visible = !document.hidden;
document.addEventListener('visibilitychange', () => model.setVisible(!document.hidden));

const token = localStorage.getItem(TOKEN_KEY);
if (token) {
  ui.chatView.hidden = false;
  startSession({ token });
} else {
  showLogin();
}
