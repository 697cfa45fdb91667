// The "Tokens and sessions" section of the settings dialog (issue 16): the devices signed in to the account, with
// "Sign out other devices" and a sign-out per device, and the named tokens for bots and scripts, with a create form
// whose secret is shown once (with a copy button) and a revoke per token. tokens.js holds the state; this draws it
// with textContent only. The section loads its lists each time the dialog opens, and is hidden from guests.
import { el } from './render.js';
import { TokensModel, SCOPES, whenText } from './tokens.js';

/**
 * Adds the section to the settings dialog.
 * @param {HTMLDialogElement} dialog the settings dialog (its form holds the sections, then .settings-actions)
 * @param {object} options registered() (an account, not a guest), request(frame) (the connection's)
 */
export function bindTokens(dialog, { registered, request }) {
  const view = new TokensView(dialog, new TokensModel(request), registered);
  return view;
}

class TokensView {
  constructor(dialog, model, registered) {
    this.dialog = dialog;
    this.model = model;
    this.registered = registered;
    this.build();
    model.subscribe(() => this.render());
    // The dialog has no "opened" event in every browser: its `open` attribute is watched instead.
    new MutationObserver(() => this.opened()).observe(dialog, { attributes: true, attributeFilter: ['open'] });
  }

  opened() {
    if (!this.dialog.open) {
      this.model.secret = null; // shown once: closing the dialog forgets it
      return;
    }
    this.section.hidden = !this.registered();
    if (!this.section.hidden) this.model.load();
  }

  build() {
    const section = el('section', 'settings-section tokens-panel');
    section.setAttribute('aria-labelledby', 'tokens-title');
    section.hidden = true;
    const title = el('h3', null, 'Tokens and sessions');
    title.id = 'tokens-title';

    this.status = el('p', 'tokens-status');
    this.status.setAttribute('role', 'status');
    this.errorLine = el('p', 'tokens-error');
    this.errorLine.setAttribute('role', 'alert');

    const sessionsTitle = el('h4', null, 'Signed-in devices');
    sessionsTitle.id = 'sessions-title';
    this.sessionList = el('ul', 'tokens-list sessions-list');
    this.sessionList.setAttribute('aria-labelledby', 'sessions-title');
    this.signOutOthers = button('Sign out other devices', 'btn', () => this.model.revokeOthers());

    const tokensTitle = el('h4', null, 'Tokens for bots and scripts');
    tokensTitle.id = 'named-tokens-title';
    this.tokenList = el('ul', 'tokens-list named-tokens-list');
    this.tokenList.setAttribute('aria-labelledby', 'named-tokens-title');
    this.secretBox = el('div', 'token-secret');

    section.append(title, this.errorLine, this.status, sessionsTitle, this.sessionList, this.signOutOthers,
      tokensTitle, this.secretBox, this.tokenList, this.buildForm());
    this.section = section;
    const form = this.dialog.querySelector('form');
    form.insertBefore(section, form.querySelector('.settings-actions'));
  }

  /** The create form: not a <form> (it sits inside the dialog's), so Enter is caught here rather than closing the dialog. */
  buildForm() {
    const box = el('fieldset', 'token-create');
    box.append(el('legend', null, 'New token'));
    this.nameInput = input('text', 'token-name');
    this.nameInput.maxLength = 40;
    this.nameInput.autocomplete = 'off';
    this.nameInput.placeholder = 'ci-bot';
    this.scopeInputs = SCOPES.map((scope) => {
      const box = input('checkbox', `token-scope-${scope}`);
      box.value = scope;
      box.checked = scope !== 'moderate';
      return box;
    });
    this.daysInput = input('number', 'token-days');
    this.daysInput.min = '1';
    this.daysInput.max = '3650';
    this.daysInput.placeholder = 'never';
    this.createButton = button('Create token', 'btn primary', () => this.create());

    const scopes = el('div', 'token-scopes');
    scopes.setAttribute('role', 'group');
    scopes.setAttribute('aria-label', 'Scopes');
    scopes.append(el('span', 'token-label', 'Scopes'), ...this.scopeInputs.map((box) => labelled(box, box.value)));
    box.append(labelled(this.nameInput, 'Name', 'token-field'), scopes,
      labelled(this.daysInput, 'Expires after (days, empty: never)', 'token-field'), this.createButton);
    box.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.target.tagName !== 'INPUT') return;
      event.preventDefault();
      this.create();
    });
    return box;
  }

  async create() {
    const scopes = this.scopeInputs.filter((box) => box.checked).map((box) => box.value);
    if (await this.model.create(this.nameInput.value, scopes, this.daysInput.value)) {
      this.nameInput.value = '';
      this.daysInput.value = '';
    }
  }

  render() {
    const { model } = this;
    this.errorLine.textContent = model.error;
    this.status.textContent = model.busy && !model.loaded ? 'Loading…' : model.note;
    this.signOutOthers.disabled = model.busy || model.others.length === 0;
    this.createButton.disabled = model.busy;
    this.sessionList.replaceChildren(...model.sessions.map((s) => this.sessionItem(s)));
    this.tokenList.replaceChildren(...(model.tokens.length > 0 ? model.tokens.map((t) => this.tokenItem(t))
      : [el('li', 'tokens-empty', model.loaded ? 'No tokens yet.' : '')]));
    this.renderSecret();
  }

  sessionItem(s) {
    const li = el('li', `token-row${s.current ? ' current' : ''}`);
    li.dataset.session = s.id;
    const head = el('div', 'token-head');
    head.append(el('span', 'token-name', s.label || 'unnamed device'));
    if (s.current) head.append(el('span', 'token-badge', 'this device'));
    const facts = el('div', 'token-facts', `Signed in ${whenText(s.created)} · last used ${whenText(s.lastUsed, 'not yet')}`);
    li.append(head, facts);
    if (!s.current) {
      const revoke = button('Sign out', 'btn small', () => this.model.revokeSession(s.id));
      revoke.setAttribute('aria-label', `Sign out ${s.label || 'this device'}`);
      revoke.disabled = this.model.busy;
      li.append(revoke);
    }
    return li;
  }

  tokenItem(t) {
    const li = el('li', 'token-row');
    li.dataset.token = t.name;
    const head = el('div', 'token-head');
    head.append(el('span', 'token-name', t.name));
    for (const scope of t.scopes) head.append(el('span', 'token-scope', scope));
    const facts = el('div', 'token-facts',
      `Created ${whenText(t.created)} · last used ${whenText(t.lastUsed, 'never')} · ${t.expires ? `expires ${whenText(t.expires)}` : 'never expires'}`);
    const revoke = button('Revoke', 'btn small danger', () => this.model.revokeToken(t.name));
    revoke.setAttribute('aria-label', `Revoke token ${t.name}`);
    revoke.disabled = this.model.busy;
    li.append(head, facts, revoke);
    return li;
  }

  /** The secret of the token just made: once, with a copy button and the warning; Done hides it for good. */
  renderSecret() {
    const { secret } = this.model;
    this.secretBox.hidden = !secret;
    if (!secret) {
      this.secretBox.replaceChildren();
      this.shownSecret = null;
      return;
    }
    if (this.shownSecret === secret) return; // keep the selection and the "Copied" text across renders
    this.shownSecret = secret;
    const value = input('text', 'token-secret-value');
    value.readOnly = true;
    value.value = secret.token;
    value.setAttribute('aria-label', `Secret of token ${secret.name}`);
    value.addEventListener('focus', () => value.select());
    const copied = el('span', 'token-copied');
    copied.setAttribute('aria-live', 'polite');
    const copy = button('Copy', 'btn small', async () => {
      value.select();
      try {
        await navigator.clipboard.writeText(secret.token);
        copied.textContent = 'Copied.';
      } catch {
        copied.textContent = 'Press Ctrl+C to copy the selected secret.';
      }
    });
    const done = button('I have copied it', 'btn small', () => this.model.dismissSecret());
    const row = el('div', 'token-secret-row');
    row.append(value, copy);
    this.secretBox.replaceChildren(
      el('p', 'token-warning', `Copy the secret of “${secret.name}” now: it will not be shown again.`),
      row, copied, done);
    value.focus();
  }
}

function button(text, className, onClick) {
  const b = el('button', className, text);
  b.type = 'button'; // inside the dialog's form: a plain button, never a submit that closes it
  b.addEventListener('click', onClick);
  return b;
}

function input(type, id) {
  const i = document.createElement('input');
  i.type = type;
  i.id = id;
  return i;
}

function labelled(control, text, className = 'setting token-check') {
  const label = el('label', className);
  if (control.type === 'checkbox') label.append(control, document.createTextNode(` ${text}`));
  else label.append(el('span', 'token-label', text), control);
  return label;
}
