// The page's side of read state and mute (model-reading.js holds the rules): sends the `read` frames the model owes
// (gathered for a moment, so scrolling through a conversation sends one, not one per message; kept while offline),
// keeps each account's muted conversations in this browser (settings.js) with the header's Mute button, and gives
// the notification check what it needs to know about a frame.
import { keyOf } from './conversation.js';
import { readMuted, writeMuted } from './settings.js';

/** How long reads gather before they go: long enough to coalesce a scroll, short enough for other devices. */
const READ_DELAY_MS = 400;

export class Attention {
  /**
   * @param {object} deps model, connection, storage (localStorage), muteButton (the header's Mute/Unmute button)
   */
  constructor({ model, connection, storage, muteButton }) {
    this.model = model;
    this.connection = connection;
    this.storage = storage;
    this.muteButton = muteButton;
    this.timer = null;
    this.account = null;
    model.subscribe(() => {
      this.scheduleReads();
      this.renderMute();
    });
    muteButton.addEventListener('click', () => this.toggleMute(model.active));
  }

  /** After each welcome: the signed-in account's muted conversations. */
  welcomed() {
    const { model } = this;
    if (model.me === null || this.account === keyOf(model.me)) return;
    this.account = keyOf(model.me);
    model.setMuted(readMuted(this.storage, model.me));
  }

  scheduleReads() {
    if (this.timer !== null || !this.model.readsDue || !this.connection.online) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sendReads();
    }, READ_DELAY_MS);
  }

  sendReads() {
    for (const frame of this.model.takeReads()) {
      this.connection.request(frame).then((answer) => {
        // Another device had read further: the stored position is the one to count from.
        if (answer.type === 'ok' && typeof answer.seq === 'number' && answer.seq > frame.seq) {
          this.model.receive({ type: 'read', room: frame.room, seq: answer.seq });
        }
        // Not sent (the connection dropped): owed again, and sent after the next welcome.
        if (answer.type === 'error' && answer.code === 'offline') {
          const conv = this.model.conv(keyOf(frame.room));
          if (conv && conv.readSeq <= frame.seq) conv.readDue = true;
        }
      });
    }
  }

  toggleMute(key) {
    const { model } = this;
    if (!key || model.me === null) return;
    const muted = new Set(model.muted);
    if (muted.has(key)) muted.delete(key);
    else muted.add(key);
    writeMuted(this.storage, model.me, muted);
    model.setMuted(muted);
  }

  renderMute() {
    const conv = this.model.activeConv;
    const button = this.muteButton;
    button.hidden = !conv;
    if (!conv) return;
    const muted = this.model.isMuted(conv.key);
    button.textContent = muted ? 'Unmute' : 'Mute';
    button.setAttribute('aria-pressed', String(muted));
    button.title = muted
      ? 'Muted: no notifications or unread badge here (mentions of you still count). Click to unmute.'
      : 'Mute: no notifications or unread badge for this conversation (mentions of you still count)';
  }

  /** What the notification check needs to know about `frame` beyond the settings. */
  about(frame) {
    const room = typeof frame?.room === 'string' ? keyOf(frame.room) : null;
    return { mentioned: this.model.mentionsMe(frame), muted: room !== null && this.model.isMuted(room) };
  }
}
