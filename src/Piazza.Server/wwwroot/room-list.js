// The room list, which the server answers in pages (a server may have many thousands of rooms): /rooms shows the
// first page, /rooms more the next. Pure (no DOM, no I/O) so node's test runner checks it; actions.js sends the frames.

/** Rooms asked for per page: a screenful or two. */
export const ROOMS_PAGE = 50;

/** Where /rooms more goes on: the `next` cursor of the last page shown (null once the last page was shown). */
export class RoomListPager {
  constructor() {
    this.next = null;
  }

  /** The `rooms` frame for /rooms (`more` false) or /rooms more; `{ error }` when there is no next page. */
  request(more) {
    if (!more) return { frame: { type: 'rooms', limit: ROOMS_PAGE } };
    if (this.next === null) return { error: 'No more rooms: /rooms lists them from the start.' };
    return { frame: { type: 'rooms', limit: ROOMS_PAGE, cursor: this.next } };
  }

  /** Takes a page's answer: the lines to show, and remembers where the next page starts. */
  lines(answer) {
    if (answer.type !== 'ok') return [`Could not list rooms: ${answer.message ?? answer.code}`];
    const rooms = answer.rooms ?? [];
    this.next = answer.next ?? null;
    const head = this.next === null ? `Rooms (${rooms.length}):` : `Rooms (${rooms.length}, more with /rooms more):`;
    return [head, ...rooms.map(formatRoom)];
  }
}

/** One room of the listing: `dev · 3 present · joined · topic: …`. */
export function formatRoom(r) {
  const parts = [r.room, `${r.members ?? 0} present`];
  if (r.joined) parts.push('joined');
  if (r.topic) parts.push(`topic: ${r.topic}`);
  return parts.join(' · ');
}
