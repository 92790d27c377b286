// Per connection and conversation: the conversation's frames leave in strictly increasing seq
// with no gap — `msg` for other people's messages, `ack` for this connection's own sends, so an
// ack never arrives after the msg of a later seq.
//
// Live messages are pushed as they commit. When the connection must first catch up (a resume
// cursor from hello), a live message arrives past a gap (e.g. committed by another node), or the
// socket is backed up, the stream goes into "filling": it pages the missing range from the store,
// holding live arrivals aside, then releases those it has not already sent. Everything pushed
// live is already committed, so the store always has what a gap is missing and filling ends.
//
// Memory: what a stream holds aside is bounded in bytes per connection (`maxHeldBytes`). Past
// that, held messages are dropped and read again from the store once the socket can take them,
// so a reader that falls behind costs a position, not a copy of everything it missed. Pages are
// bounded by the store (count and bytes), at most `MAX_FILLS` streams of one connection read
// the store at once, and each page is followed by a turn of the event loop for everyone else.
//
// Backpressure: while the socket's queue is above its low watermark ("congested"), nothing more
// of a stream is written; the stream waits for the socket to drain (the session bounds how long).
import { nextTurn } from "../core/next-turn.ts";
import type { Message, MessagePage } from "../schema/messages.ts";
import { msgFrame } from "./frames.ts";

const PAGE = 200;
/** streams of one connection that read the store at the same time */
const MAX_FILLS = 4;

interface Held {
  message: Message;
  /** the msg frame, or null for this connection's own message (answered by its ack) */
  text: string | null;
}

interface Stream {
  /** highest seq this connection has passed; null until the first message when no cursor was given */
  lastSent: number | null;
  filling: boolean;
  held: Held[];
  heldBytes: number;
  /** seqs past lastSent whose ack already went out another way: passed silently */
  own: Set<number>;
  /** the store must be paged (a resume cursor's backlog, a gap, or held messages dropped) */
  fromStore: boolean;
  /** the last seq this connection reads (its removal from the conversation); null: no end */
  endSeq: number | null;
}

export interface OrderedDeliveryDeps {
  /** history after `after`, as the store has it (authorization included), bounded in bytes */
  fetch(conv: string, after: number, limit: number): Promise<MessagePage>;
  /** false: the socket is too slow to take more */
  send(text: string): boolean;
  /** true for a message this connection sent itself and is still to answer */
  isOwn(message: Message): boolean;
  /**
   * The ack of this connection's own message, taken when the stream reaches its seq; null when
   * it was answered already (the stream then passes it silently).
   */
  ackFrame(message: Message): string | null;
  /** the socket could not keep up, or catching up `conv` failed (its stream is then dropped) */
  fail(reason: "too_slow" | "catch_up_failed", error?: unknown, conv?: string): void;
  /** bytes of live frames held aside per connection before they are dropped for a store read */
  maxHeldBytes: number;
  /**
   * The socket's queue: `congested()` above its low watermark, `drained()` resolves once it
   * went down again (the session bounds how long that may take). Without it, frames are written
   * as they come and only the socket's hard limit (send() false) applies.
   */
  backpressure?: { congested(): boolean; drained(): Promise<void> };
}

export class OrderedDelivery {
  readonly #streams = new Map<string, Stream>();
  #heldBytes = 0;
  #fills = 0;
  /** fills waiting for their turn (made at the first one that waits) */
  #waitingForFill: (() => void)[] | undefined;

  constructor(private readonly deps: OrderedDeliveryDeps) {}

  /**
   * Where each conversation's stream stands (the last seq this connection holds), for a runtime
   * that must persist the connection while it sleeps (Workers' WebSocket Hibernation).
   */
  positions(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [conv, stream] of this.#streams) if (stream.lastSent !== null) out[conv] = stream.lastSent;
    return out;
  }

  /**
   * The inverse of positions(), on a connection woken up: no store read now; a live message past
   * a gap fills it from the store as usual.
   */
  restore(positions: Record<string, number>): void {
    for (const [conv, seq] of Object.entries(positions)) {
      const stream = this.#stream(conv);
      stream.lastSent = Math.max(stream.lastSent ?? 0, seq);
    }
  }

  /**
   * This connection's own message was answered outside the stream (a resend's ack, or a delivery
   * that never reached the connection): a gap fill that meets it in the store must not echo it.
   */
  acked(message: Message): void {
    const stream = this.#streams.get(message.conv);
    if (stream && stream.lastSent !== null && message.seq > stream.lastSent) stream.own.add(message.seq);
  }

  /** Sends everything after `cursor` before any live message of `conv`. */
  resume(conv: string, cursor: number): void {
    const stream = this.#stream(conv);
    stream.lastSent = Math.max(stream.lastSent ?? 0, cursor);
    stream.endSeq = null;
    stream.fromStore = true;
    this.#startFill(conv, stream);
  }

  /** Nothing of `conv` after `seq` reaches this connection (the user was removed at `seq`). */
  end(conv: string, seq: number): void {
    const stream = this.#stream(conv);
    stream.endSeq = seq;
  }

  /**
   * A committed message, serialised once by the caller for every connection; `text` null when
   * this connection sent it (its ack goes out when the stream reaches it).
   */
  push(message: Message, text: string | null): void {
    const stream = this.#stream(message.conv);
    if (stream.lastSent !== null && message.seq <= stream.lastSent) return; // already sent (a catch-up overtook it)
    if (stream.endSeq !== null && message.seq > stream.endSeq) return; // after this user's removal
    if (stream.filling) return this.#hold(stream, { message, text });
    if (stream.lastSent !== null && message.seq > stream.lastSent + 1) {
      stream.fromStore = true; // the gap is in the store
      this.#hold(stream, { message, text });
      return this.#startFill(message.conv, stream);
    }
    if (this.#congested()) {
      // the next one, but the socket is backed up: it leaves once the socket drained
      stream.lastSent ??= message.seq - 1;
      this.#hold(stream, { message, text });
      return this.#startFill(message.conv, stream);
    }
    this.#send(stream, message, text);
  }

  #stream(conv: string): Stream {
    let stream = this.#streams.get(conv);
    if (!stream) {
      stream = { lastSent: null, filling: false, held: [], heldBytes: 0, own: new Set(), fromStore: false, endSeq: null };
      this.#streams.set(conv, stream);
    }
    return stream;
  }

  /** Holds a live message aside; past the connection's budget the stream reads the store instead. */
  #hold(stream: Stream, held: Held): void {
    const bytes = held.text?.length ?? 0;
    if (this.#heldBytes + bytes > this.deps.maxHeldBytes) {
      this.#dropHeld(stream);
      stream.fromStore = true;
      return;
    }
    stream.held.push(held);
    stream.heldBytes += bytes;
    this.#heldBytes += bytes;
  }

  #dropHeld(stream: Stream): void {
    this.#heldBytes -= stream.heldBytes;
    stream.held = [];
    stream.heldBytes = 0;
  }

  /**
   * Sends one frame of the stream: the msg `text`, or for this connection's own message its ack
   * (nothing when it was answered already). False when the socket failed (too slow).
   */
  #send(stream: Stream, message: Message, text: string | null): boolean {
    const frame = text ?? (stream.own.has(message.seq) ? null : this.deps.ackFrame(message));
    if (frame !== null && !this.deps.send(frame)) {
      this.deps.fail("too_slow");
      return false;
    }
    stream.lastSent = message.seq;
    stream.own.delete(message.seq);
    return true;
  }

  /** True while the socket should not be given more stream frames. */
  #congested(): boolean {
    return this.deps.backpressure?.congested() === true;
  }

  #startFill(conv: string, stream: Stream): void {
    if (stream.filling) return;
    stream.filling = true;
    void this.#fill(conv, stream);
  }

  async #fill(conv: string, stream: Stream): Promise<void> {
    if (this.#fills >= MAX_FILLS) await new Promise<void>((resolve) => (this.#waitingForFill ??= []).push(resolve));
    this.#fills++;
    // The page read last and how far into it the socket took us: a socket that backs up mid-page
    // goes on with the rest once drained, without reading the page again.
    let page: MessagePage = { items: [], hasMore: true };
    let next = 0;
    try {
      for (;;) {
        while (this.#congested()) await this.deps.backpressure!.drained();
        if (stream.fromStore) {
          if (next === page.items.length) {
            page = await this.deps.fetch(conv, stream.lastSent ?? 0, PAGE);
            next = 0;
            await nextTurn(); // one page at a time: other sockets get their turn in between
          }
          let stalled = false;
          for (; next < page.items.length; next++) {
            const m = page.items[next]!;
            if (m.seq <= (stream.lastSent ?? 0)) continue;
            // A page holds everything after `after` this user may read: seqs it skips are not
            // this user's to read (before its join, say), and the stream passes them.
            if (m.seq > (stream.lastSent ?? 0) + 1) stream.lastSent = m.seq - 1;
            const own = stream.own.has(m.seq) || this.deps.isOwn(m);
            if (this.#congested()) {
              stalled = true; // the rest of the page after the socket drained
              break;
            }
            if (!this.#send(stream, m, own ? null : msgFrame(m))) return;
          }
          if (stalled || page.hasMore) continue;
          stream.fromStore = false;
          page = { items: [], hasMore: true };
          next = 0;
        }
        const released = this.#releaseHeld(stream);
        if (released === "failed") return;
        if (released === "done") break;
        if (released === "gap") stream.fromStore = true;
        // "congested": wait for the socket, then go on with the held messages
      }
      stream.filling = false;
    } catch (error) {
      this.#dropHeld(stream);
      this.#streams.delete(conv);
      this.deps.fail("catch_up_failed", error, conv);
    } finally {
      this.#fills--;
      this.#waitingForFill?.shift()?.();
    }
  }

  /** Sends the held messages that continue the sequence, in order, while the socket takes them. */
  #releaseHeld(stream: Stream): "done" | "gap" | "congested" | "failed" {
    stream.held.sort((a, b) => a.message.seq - b.message.seq);
    let i = 0;
    let result: "done" | "gap" | "congested" | "failed" = "done";
    for (; i < stream.held.length; i++) {
      const { message, text } = stream.held[i]!;
      const next = (stream.lastSent ?? 0) + 1;
      if (message.seq < next) continue; // already sent from the store
      if (stream.endSeq !== null && message.seq > stream.endSeq) continue; // after this user's removal
      if (message.seq > next) {
        result = "gap"; // fetch it from the store
        break;
      }
      if (this.#congested()) {
        result = "congested";
        break;
      }
      if (!this.#send(stream, message, text)) {
        result = "failed";
        break;
      }
    }
    const released = stream.held.splice(0, result === "failed" ? stream.held.length : i);
    const bytes = released.reduce((n, h) => n + (h.text?.length ?? 0), 0);
    stream.heldBytes -= bytes;
    this.#heldBytes -= bytes;
    return result;
  }
}
