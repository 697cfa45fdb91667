// Keeps the address bar and the browser's history in step with the open conversation (route.js says what an address
// means): opening a conversation adds a history entry, so Back and Forward switch conversations; a reload, a link or
// an address typed by hand opens its conversation once the login has brought everything, joining a room not joined.
import { parseRoute, routeOf, sameRoute } from './route.js';
import { keyOf } from './conversation.js';

export class Navigation {
  /**
   * @param {import('./model.js').ChatModel} model
   * @param {import('./actions.js').Actions} actions enterRoom(name) and openDirect(user, options), each resolving true once open
   * @param {object} hooks open(key) opens a conversation that the model holds
   * @param {Window} win the window whose location and history are used
   */
  constructor(model, actions, hooks, win = window) {
    this.model = model;
    this.actions = actions;
    this.hooks = hooks;
    this.win = win;
    /** The address to open after the next sign-in; null once it was applied (or the person chose a conversation). */
    this.wanted = win.location.hash;
    /** True while an address is being opened (a room joined, a private conversation looked up): the bar keeps it. */
    this.resolving = false;
    win.addEventListener('popstate', (event) => this.popped(event));
  }

  get hash() {
    return this.win.location.hash;
  }

  /** Remembers the present address for after the next sign-in (the login form is shown). */
  expect() {
    this.wanted = this.hash;
    this.resolving = false;
  }

  /** Forgets the address (a logout: the next person starts in the lobby). */
  reset() {
    this.wanted = null;
    this.resolving = false;
    this.win.history.replaceState(null, '', this.win.location.pathname + this.win.location.search);
  }

  /** The person opens the conversation under `key`: a new history entry unless the address names it already. */
  push(key) {
    this.wanted = null;
    this.resolving = false;
    const route = routeOf(this.model.conv(key));
    if (route && !sameRoute(route, this.hash)) this.win.history.pushState({ piazza: route }, '', route);
  }

  /** After every change: the address follows the open conversation (left, closed, moved to its real id). */
  follow() {
    if (this.wanted !== null || this.resolving || this.model.me === null) return;
    this.replace();
  }

  replace() {
    const route = routeOf(this.model.activeConv);
    if (route && route !== this.hash) this.win.history.replaceState({ piazza: route }, '', route);
  }

  /** The login has brought every room and private conversation: open the address the page was loaded with. */
  async restore() {
    const hash = this.wanted;
    this.wanted = null;
    if (hash === null) return;
    await this.go(hash, { enter: true });
  }

  popped(event) {
    if (this.model.me === null || !this.model.synced) {
      this.wanted = this.hash;
      return;
    }
    // Entries this page made carry a state; an address typed or pasted by hand has none and may join its room.
    this.go(this.hash, { enter: event.state === null });
  }

  /** Opens what `hash` names; `enter` joins a room (or starts a private conversation) not open here yet. */
  async go(hash, { enter }) {
    const model = this.model;
    const route = parseRoute(hash);
    const key = route.kind === 'room' ? keyOf(route.name) : null;
    const known = route.kind === 'room' ? model.conv(key) : route.kind === 'dm' ? model.findDirect(route.user) : null;
    if (known && (route.kind === 'dm' || !known.direct)) {
      this.hooks.open(known.key);
      this.replace();
      return;
    }
    if (route.kind === 'bad') model.notice(model.active, route.text);
    if (route.kind === 'dm' && model.isMine(route.user)) model.notice(model.active, 'That address is your own private conversation: there is nobody to talk to.');
    else if (route.kind === 'room' || route.kind === 'dm') await this.enter(route, enter);
    this.resolving = false;
    this.replace();
  }

  async enter(route, enter) {
    const model = this.model;
    const what = route.kind === 'room' ? `#${route.name}` : `@${route.user}`;
    if (!enter) {
      model.notice(model.active, `${what} is not open any more: ${route.kind === 'room' ? `/join ${route.name}` : `/msg ${route.user}`} opens it again.`);
      return;
    }
    this.resolving = true;
    if (route.kind === 'room') await this.actions.enterRoom(route.name);
    else await this.actions.openDirect(route.user, { dropUnknown: true });
  }
}
