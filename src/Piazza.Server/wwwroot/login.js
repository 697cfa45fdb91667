// The sign-in form: log in, register or continue as a guest. What was typed stays after a refusal (only a logout
// clears the password), the message says what went wrong, and the field to fix gets the focus.
import { checkLoginForm } from './refusals.js';

export class LoginForm {
  /**
   * @param {object} ui the page's elements: loginView, loginForm, loginUser, loginPassword, loginError
   * @param {object} handlers submit(credentials) starts a session: `{ mode, user, password? }`
   */
  constructor(ui, handlers) {
    this.ui = ui;
    this.handlers = handlers;
    ui.loginForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit('login');
    });
    ui.loginForm.querySelector('[data-action="register"]').addEventListener('click', () => this.submit('register'));
    ui.loginForm.querySelector('[data-action="guest"]').addEventListener('click', () => this.submit('guest'));
  }

  get shown() {
    return !this.ui.loginView.hidden;
  }

  submit(mode) {
    const user = this.ui.loginUser.value.trim();
    const password = this.ui.loginPassword.value;
    const problem = checkLoginForm(mode, user, password);
    if (problem) {
      this.say(problem.text, 'error');
      this.focus(problem.field);
      return;
    }
    this.say(mode === 'register' ? 'Creating your account…' : 'Signing in…', 'progress');
    this.setBusy(true);
    this.handlers.submit(mode === 'guest' ? { mode, user } : { mode, user, password });
  }

  /**
   * Shows the form with `message`; `field` ('user' | 'password') is the one to fix. The password is kept unless
   * `clearPassword` (a logout: the next person at this computer must not find it).
   */
  show(message = '', { field = null, clearPassword = false } = {}) {
    const { ui } = this;
    ui.loginView.hidden = false;
    this.setBusy(false);
    if (clearPassword) ui.loginPassword.value = '';
    this.say(message, 'error');
    this.focus(field ?? (ui.loginUser.value ? 'password' : 'user'));
  }

  hide() {
    this.ui.loginView.hidden = true;
    this.setBusy(false);
  }

  /** A line under the fields: an error (read out at once) or progress. */
  say(text, kind) {
    this.ui.loginError.textContent = text;
    this.ui.loginError.dataset.kind = kind;
  }

  focus(field) {
    const input = field === 'password' ? this.ui.loginPassword : this.ui.loginUser;
    input.focus();
    // A wrong password is retyped, not edited; a wrong name is usually one character off.
    if (field === 'password') input.select();
  }

  setBusy(busy) {
    this.ui.loginForm.setAttribute('aria-busy', String(busy));
    for (const button of this.ui.loginForm.querySelectorAll('button')) button.disabled = busy;
  }
}
