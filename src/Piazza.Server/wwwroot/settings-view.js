// The settings dialog (the gear in the top bar, or Ctrl+,): a modal <dialog>, so the keyboard stays inside it and
// Esc closes it. Today it holds one working setting, desktop notifications of private messages while the tab is
// hidden; the browser's permission is asked only when the person turns it on.
import { readSettings, writeSettings, notificationFor, notificationState } from './settings.js';

const STATE_TEXT = {
  unsupported: 'This browser cannot show notifications.',
  denied: 'The browser blocks notifications for this page: allow them in the site settings (the icon left of the address), then turn this on.',
  default: 'The browser will ask whether this page may show notifications.',
  granted: '',
};

export class SettingsView {
  /**
   * @param {object} ui the page's elements: settings (the dialog), openSettings, notifyPrivate, notifyState
   * @param {object} options storage (localStorage), notificationApi (window.Notification or undefined)
   */
  constructor(ui, { storage, notificationApi }) {
    this.ui = ui;
    this.storage = storage;
    this.api = notificationApi;
    this.settings = readSettings(storage);
    this.note = '';
    ui.openSettings.addEventListener('click', () => this.open());
    ui.notifyPrivate.addEventListener('change', () => this.setNotifyPrivate(ui.notifyPrivate.checked));
    ui.settings.addEventListener('close', () => ui.openSettings.focus());
  }

  open() {
    if (this.ui.settings.open) return;
    this.note = '';
    this.render();
    this.ui.settings.showModal();
  }

  async setNotifyPrivate(on) {
    let permission = notificationState(this.api);
    if (on && permission === 'default') permission = await this.api.requestPermission();
    this.note = on && permission !== 'granted' ? 'Notifications stay off: the browser did not allow them.' : '';
    this.settings = { ...this.settings, notifyPrivate: on && permission === 'granted' };
    if (!writeSettings(this.storage, this.settings)) this.note = 'This browser does not let the page save settings: they last until the page is closed.';
    this.render();
  }

  render() {
    const { ui } = this;
    const state = notificationState(this.api);
    ui.notifyPrivate.disabled = state === 'unsupported';
    ui.notifyPrivate.checked = this.settings.notifyPrivate && state === 'granted';
    ui.notifyState.textContent = this.note || (ui.notifyPrivate.checked ? '' : STATE_TEXT[state]);
  }

  /**
   * Shows a desktop notification for `frame` when it deserves one (`mentioned`: it names us; `muted`: its
   * conversation is muted); clicking it brings the conversation up.
   */
  notify(frame, { me, hidden, mentioned, muted, openConversation }) {
    const wanted = notificationFor(frame, { me, hidden, mentioned, muted, settings: this.settings, permission: notificationState(this.api) });
    if (!wanted) return;
    const shown = new this.api(wanted.title, { body: wanted.body, tag: wanted.tag });
    shown.addEventListener('click', () => {
      window.focus();
      openConversation(wanted);
      shown.close();
    });
  }
}
