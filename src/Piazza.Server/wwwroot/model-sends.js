// The page's sends: queued with an id, shown as pending until the server's ok (or failed with its reason), sent again
// with the same id after a reconnect (the server dedupes). Methods of ChatModel, kept here so the model stays readable.

import { takeReply } from './reply.js';

/** The frame that carries a pending send (sent again, with the same id, after a reconnect: the server dedupes). */
export function sendFrame(pending) {
  const frame = { type: 'send', id: pending.id };
  if (pending.text) frame.text = pending.text;
  if (pending.file) frame.file = { id: pending.file.id };
  if (pending.reply) frame.reply = pending.reply.msg;
  if (pending.to) frame.to = pending.to;
  else frame.room = pending.room;
  return frame;
}

/** ChatModel's sending methods (`this` is the model). */
export const sendingMethods = {
  /** Queues `text` for the open conversation; returns the frame to send, or null when no conversation is open. */
  compose(text) {
    const target = this.sendTarget();
    return target ? this.queueSend(target, { text, reply: takeReply(this, target.key) }) : null;
  },

  /** Queues an uploaded file for the conversation it was uploaded for (`target` from sendTarget). */
  shareFile(target, file) {
    return this.queueSend(target, { text: '', file });
  },

  /** Where a send made now goes: the open conversation (an upload keeps it, wherever the person goes meanwhile). */
  sendTarget() {
    const conv = this.activeConv;
    if (!conv) return null;
    return conv.direct ? { key: conv.key, to: conv.others ?? conv.peer } : { key: conv.key, room: conv.name };
  },

  queueSend(target, { text, file, reply }) {
    this.sendCounter += 1;
    const pending = { id: `web-${this.sendPrefix}-${this.sendCounter}`, key: target.key, text, file, from: this.me, state: 'pending' };
    if (reply) pending.reply = { msg: reply.msg, seq: reply.seq, from: reply.from, text: reply.text };
    if (target.to) pending.to = target.to;
    else pending.room = target.room;
    this.pending.set(pending.id, pending);
    this.changed();
    return sendFrame(pending);
  },

  /** A failed send goes again with its id; returns its frame. */
  retry(id) {
    const pending = this.pending.get(id);
    if (!pending) return null;
    pending.state = 'pending';
    this.changed();
    return sendFrame(pending);
  },

  discard(id) {
    if (this.pending.delete(id)) this.changed();
  },

  /** The sends of a conversation still shown as pending or failed (an echo already shows the message itself). */
  pendingIn(key) {
    return [...this.pending.values()].filter((p) => p.key === key && !p.echoed);
  },
};
