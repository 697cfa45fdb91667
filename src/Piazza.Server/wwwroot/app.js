// Piazza's web client: wires the model (model.js, frames in, state out) to the connection (connection.js, the /ws
// WebSocket door) and to the views that render from it; owns sign-in, logout and the page's own controls.
import { Connection } from './connection.js';
import { ChatModel } from './model.js';
import { Actions } from './actions.js';
import { ChatView } from './chat-view.js';
import { MessagesView } from './messages-view.js';
import { UploadsView } from './uploads-view.js';
import { useToken, forgetFiles } from './files.js';

const TOKEN_KEY = 'piazza.token';

const $ = (id) => document.getElementById(id);
const ui = {
  loginView: $('login-view'), loginForm: $('login-form'), loginUser: $('login-user'), loginPassword: $('login-password'),
  loginError: $('login-error'), chatView: $('chat-view'), status: $('status'), statusText: $('status-text'),
  meName: $('me-name'), logout: $('logout'), toggleSidebar: $('toggle-sidebar'), toggleUnread: $('toggle-unread'),
  sidebar: $('sidebar'), scrim: $('scrim'), joinForm: $('join-form'), joinRoom: $('join-room'), roomList: $('room-list'),
  directList: $('direct-list'), directEmpty: $('direct-empty'), convTitle: $('conv-title'), convTopic: $('conv-topic'),
  editTopic: $('edit-topic'), leave: $('leave'), togglePeople: $('toggle-people'), peopleCount: $('people-count'),
  people: $('people'), peopleTotal: $('people-total'), peopleList: $('people-list'), scroller: $('scroller'),
  historyStatus: $('history-status'), messages: $('messages'), pending: $('pending'), newMessages: $('new-messages'),
  composer: $('composer'), input: $('input'), attach: $('attach'), fileInput: $('file-input'), uploads: $('uploads'),
  conversation: $('conversation'),
};

const model = new ChatModel();
const connection = new Connection(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`, {
  hello: () => model.hello(),
  welcome: (frame) => {
    showChat();
    run(model.welcome(frame));
  },
  refused: onRefused,
  frame: (frame) => run(model.receive(frame)),
  state: (kind, detail) => model.setStatus(kind, detail),
});
useToken(() => model.credentials?.token ?? null);

const actions = new Actions(model, connection, { open, sent: () => messagesView.scrollToBottom() });
const chatView = new ChatView(ui, { open, openDirect: (user) => actions.openDirect(user) });
const messagesView = new MessagesView(ui, {
  loadOlder: (key) => actions.loadOlder(key),
  retry: (id) => actions.send(model.retry(id)),
  discard: (id) => model.discard(id),
});
const uploadsView = new UploadsView(ui.uploads, {
  done: (target, file) => actions.send(model.shareFile(target, file)),
  notice: (key, text) => model.notice(key, text),
});
model.subscribe(() => {
  chatView.render(model);
  messagesView.render(model);
});

/** Carries out what the model asked for after a frame. */
function run(effects) {
  for (const effect of effects) {
    switch (effect.kind) {
      case 'send': connection.send(effect.frame); break; // offline: it stays pending and goes out after the next welcome
      case 'remember': localStorage.setItem(TOKEN_KEY, effect.token); break;
      case 'rejoin': actions.rejoin(effect.key, effect.room); break;
      case 'fillGap': actions.fillGap(effect.key, effect.after); break;
      // The server sends a login's rooms and history before it reads our next frame: the pong marks the end.
      case 'sync': connection.request({ type: 'ping' }).then(() => model.markSynced()); break;
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
  ui.loginError.textContent = '';
  setLoginBusy(true);
  connection.start();
}

function setLoginBusy(busy) {
  for (const button of ui.loginForm.querySelectorAll('button')) button.disabled = busy;
}

function loginWith(mode) {
  const user = ui.loginUser.value.trim();
  const password = ui.loginPassword.value;
  if (!user) {
    ui.loginError.textContent = 'Please enter a user name.';
    ui.loginUser.focus();
    return;
  }
  if (mode !== 'guest' && password.length < 8) {
    ui.loginError.textContent = mode === 'register' ? 'Choose a password of at least 8 characters.' : 'Please enter your password.';
    ui.loginPassword.focus();
    return;
  }
  startSession(mode === 'guest' ? { mode, user } : { mode, user, password });
}

function onRefused(frame, retrying) {
  if (retrying) return;
  const { text, forgetToken } = model.refusal(frame);
  if (forgetToken) localStorage.removeItem(TOKEN_KEY);
  endSession();
  showLogin(text);
}

function showLogin(message) {
  ui.chatView.hidden = true;
  ui.loginView.hidden = false;
  ui.loginError.textContent = message ?? '';
  setLoginBusy(false);
  ui.loginPassword.value = '';
  (ui.loginUser.value ? ui.loginPassword : ui.loginUser).focus();
  document.title = 'Piazza';
}

function showChat() {
  if (!ui.chatView.hidden) return;
  ui.loginView.hidden = true;
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
  showLogin('You are logged out.');
}

// ---------------------------------------------------------------- the page's controls

/** Opens a conversation: its draft replaces the one being left, drawers close, the composer gets the focus. */
function open(key) {
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

/** Uploads files for the open conversation; guests are told why they cannot. */
function uploadFiles(files) {
  const target = model.sendTarget();
  if (!target || files.length === 0) return;
  if (!model.registered || !model.credentials?.token) {
    model.notice(target.key, 'Guests cannot share files: log in or register an account.');
    return;
  }
  uploadsView.start(files, target);
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

ui.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  loginWith('login');
});
$('login-register').addEventListener('click', () => loginWith('register'));
$('login-guest').addEventListener('click', () => loginWith('guest'));
ui.logout.addEventListener('click', logout);
ui.toggleSidebar.addEventListener('click', () => setDrawer(document.body.classList.contains('sidebar-open') ? null : 'sidebar'));
ui.togglePeople.addEventListener('click', () => setDrawer(document.body.classList.contains('people-open') ? null : 'people'));
ui.scrim.addEventListener('click', () => setDrawer(null));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') setDrawer(null);
});
ui.status.addEventListener('click', () => connection.retryNow());
window.addEventListener('online', () => connection.retryNow());

ui.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = ui.joinRoom.value.trim();
  if (!room) return;
  ui.joinRoom.value = '';
  actions.joinRoom(room);
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
ui.attach.addEventListener('click', () => ui.fileInput.click());
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
