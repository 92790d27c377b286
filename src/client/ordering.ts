// Per conversation: the app sees every message exactly once, in seq order.
//
// `cursor` is the highest seq the app holds with nothing missing below it. A message at
// cursor + 1 is emitted at once; one further ahead is held and the gap is paged in with `sync`;
// one at or below the cursor is a duplicate and dropped. Seqs a page skips are not this user's
// to read (before it joined a group, say): the cursor moves past them. Messages arrive from `msg` frames, from
// the acks of our own sends and from sync pages, in any mix.
import type { Message, MessagePage } from "../schema/messages.ts";

/** Where a conversation seen for the first time starts: its first message, or the first one seen. */
export type StartFrom = "beginning" | "first-seen";

export interface OrderingDeps {
  /** a page of the conversation after `after` (over the socket) */
  sync(conv: string, after: number, limit: number): Promise<MessagePage>;
  /** the next message of a conversation, in order */
  emit(message: Message): void;
  saveCursor(conv: string, seq: number): void;
  /** paging a gap failed (e.g. the socket dropped: the resume of the next hello covers it) */
  syncFailed(conv: string, error: unknown): void;
  startFrom: StartFrom;
}

interface Stream {
  cursor: number;
  held: Map<number, Message>;
  filling: boolean;
}

const PAGE = 200;

export class Ordering {
  readonly #streams = new Map<string, Stream>();

  constructor(private readonly deps: OrderingDeps) {}

  /** Cursors restored from storage. */
  load(cursors: Record<string, number>): void {
    for (const [conv, seq] of Object.entries(cursors)) this.track(conv, seq);
  }

  /** Starts following `conv` after `seq` (e.g. 0 for all of it, or its lastSeq for "from now"); never moves back. */
  track(conv: string, seq: number): void {
    const stream = this.#streams.get(conv);
    if (!stream) this.#streams.set(conv, { cursor: seq, held: new Map(), filling: false });
    else if (seq > stream.cursor) {
      stream.cursor = seq;
      for (const s of stream.held.keys()) if (s <= seq) stream.held.delete(s);
      this.#drain(conv, stream);
    }
  }

  /** Stops following `conv` (it is no longer readable). */
  untrack(conv: string): void {
    this.#streams.delete(conv);
  }

  cursor(conv: string): number | undefined {
    return this.#streams.get(conv)?.cursor;
  }

  /** Every tracked cursor: what hello sends so the server resumes before live. */
  cursors(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [conv, stream] of this.#streams) out[conv] = stream.cursor;
    return out;
  }

  /** Conversations still waiting on a gap. */
  gaps(): string[] {
    return [...this.#streams].filter(([, s]) => s.held.size > 0).map(([conv]) => conv);
  }

  offer(message: Message): void {
    let stream = this.#streams.get(message.conv);
    if (!stream) {
      const cursor = this.deps.startFrom === "first-seen" ? message.seq - 1 : 0;
      this.#streams.set(message.conv, (stream = { cursor, held: new Map(), filling: false }));
    }
    if (message.seq <= stream.cursor) return; // a duplicate
    stream.held.set(message.seq, message);
    this.#drain(message.conv, stream);
    if (stream.held.size > 0) this.fill(message.conv);
  }

  /** Pages in what is missing below the held messages (no-op when nothing is, or already paging). */
  fill(conv: string): void {
    const stream = this.#streams.get(conv);
    if (!stream || stream.filling || stream.held.size === 0) return;
    stream.filling = true;
    void this.#fill(conv, stream).finally(() => (stream.filling = false));
  }

  async #fill(conv: string, stream: Stream): Promise<void> {
    try {
      while (stream.held.size > 0) {
        const page = await this.deps.sync(conv, stream.cursor, PAGE);
        if (this.#streams.get(conv) !== stream) return; // untracked meanwhile
        for (const m of page.items) if (m.seq > stream.cursor) stream.held.set(m.seq, m);
        // A page holds everything after the cursor this user may read: seqs it skips are not
        // this user's (before it joined, say), and the cursor passes them.
        const next = page.items.find((m) => m.seq > stream.cursor);
        if (next && next.seq > stream.cursor + 1) stream.cursor = next.seq - 1;
        const before = stream.cursor;
        this.#drain(conv, stream);
        // The store lacks what we wait for (cannot happen for committed messages): stop, the
        // next hello's resume or the next message retries.
        if (!page.hasMore && stream.cursor === before) return;
      }
    } catch (error) {
      this.deps.syncFailed(conv, error);
    }
  }

  #drain(conv: string, stream: Stream): void {
    const start = stream.cursor;
    for (let next = stream.held.get(stream.cursor + 1); next; next = stream.held.get(stream.cursor + 1)) {
      stream.held.delete(next.seq);
      stream.cursor = next.seq;
      this.deps.emit(next);
    }
    if (stream.cursor !== start) this.deps.saveCursor(conv, stream.cursor);
  }
}
