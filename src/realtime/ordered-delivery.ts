// Per connection and conversation: `msg` frames leave in strictly increasing seq with no gap.
//
// Live messages are pushed as they commit. When the connection must first catch up (a resume
// cursor from hello) or a live message arrives past a gap (e.g. committed by another node),
// the stream goes into "filling": it pages the missing range from the store, holding live
// arrivals aside, then releases those it has not already sent. Everything pushed live is
// already committed, so the store always has what a gap is missing and filling terminates.
//
// The connection that sent a message gets an ack, not a msg: its own messages advance the
// stream silently (text null), so they neither leave a gap nor come back through a gap fill.
//
// Backpressure: while the socket's queue is above its low watermark ("congested"), live messages
// are held and a catch-up pauses until the socket drains, so a reader that keeps reading gets a
// burst or a backlog of any size through a small buffer; one that does not drain in time, or
// falls more than `maxHeld` messages behind, is closed by the session (TOO_SLOW).
import type { Message, MessagePage } from "../schema/messages.ts";

const PAGE = 200;

interface Stream {
  /** highest seq this connection holds; null until the first message when no cursor was given */
  lastSent: number | null;
  filling: boolean;
  held: { message: Message; text: string | null }[];
  /** seqs past lastSent known to be this connection's own sends (answered by their ack) */
  own: Set<number>;
  /** the store must be paged (a resume cursor's backlog, or a gap before the held messages) */
  fromStore: boolean;
}

export interface OrderedDeliveryDeps {
  /** history after `after`, as the store has it (authorization included) */
  fetch(conv: string, after: number, limit: number): Promise<MessagePage>;
  /** false: the socket is too slow to take more */
  send(text: string): boolean;
  /** true for a message this connection sent itself (an ack answers it), e.g. a send in flight */
  isOwn?(message: Message): boolean;
  /** the socket could not keep up, or catching up `conv` failed (its stream is then dropped) */
  fail(reason: "too_slow" | "catch_up_failed", error?: unknown, conv?: string): void;
  /** live messages held while filling, per conversation, before the reader counts as too slow */
  maxHeld: number;
  /**
   * The socket's queue: `congested()` above its low watermark, `drained()` resolves once it
   * went down again (the session bounds how long that may take). Without it, frames are written
   * as they come and only the socket's hard limit (send() false) applies.
   */
  backpressure?: { congested(): boolean; drained(): Promise<void> };
}

export const msgFrame = (m: Message): string => JSON.stringify({ t: "msg", ...m });

export class OrderedDelivery {
  readonly #streams = new Map<string, Stream>();

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
   * This connection's own message was acknowledged before its delivery reached the connection (a
   * runtime whose fan-out is asynchronous, e.g. Workers' objects): a gap fill that meets it in
   * the store must not echo it. A stream without a position has no fill running and waits for
   * the delivery in order.
   */
  acked(message: Message): void {
    const stream = this.#streams.get(message.conv);
    if (stream && stream.lastSent !== null && message.seq > stream.lastSent) stream.own.add(message.seq);
  }

  /** Sends everything after `cursor` before any live message of `conv`. */
  resume(conv: string, cursor: number): void {
    const stream = this.#stream(conv);
    stream.lastSent = Math.max(stream.lastSent ?? 0, cursor);
    stream.fromStore = true;
    if (!stream.filling) void this.#fill(conv, stream);
  }

  /**
   * A committed message, serialised once by the caller for every connection; `text` null when
   * this connection sent it (it gets the ack instead, but the stream moves past it).
   */
  push(message: Message, text: string | null): void {
    const stream = this.#stream(message.conv);
    if (text === null && (stream.lastSent === null || message.seq > stream.lastSent)) stream.own.add(message.seq);
    if (stream.filling) {
      stream.held.push({ message, text });
      if (stream.held.length > this.deps.maxHeld) this.deps.fail("too_slow");
    } else if (stream.lastSent !== null && message.seq <= stream.lastSent) {
      // already sent (e.g. during a catch-up): drop the duplicate
    } else if (stream.lastSent !== null && message.seq > stream.lastSent + 1) {
      stream.held.push({ message, text });
      stream.fromStore = true;
      void this.#fill(message.conv, stream);
    } else if (text !== null && this.deps.backpressure?.congested()) {
      // the next one, but the socket is backed up: it leaves once the socket drained
      stream.lastSent ??= message.seq - 1;
      stream.held.push({ message, text });
      void this.#fill(message.conv, stream);
    } else {
      this.#send(stream, message.seq, text);
    }
  }

  #stream(conv: string): Stream {
    let stream = this.#streams.get(conv);
    if (!stream) {
      stream = { lastSent: null, filling: false, held: [], own: new Set(), fromStore: false };
      this.#streams.set(conv, stream);
    }
    return stream;
  }

  /** Sends one frame of the stream, or with `text` null only moves past the connection's own. */
  #send(stream: Stream, seq: number, text: string | null): boolean {
    if (text !== null && !this.deps.send(text)) {
      this.deps.fail("too_slow");
      return false;
    }
    stream.lastSent = seq;
    stream.own.delete(seq);
    return true;
  }

  /** True while the socket should not be given more stream frames. */
  #congested(): boolean {
    return this.deps.backpressure?.congested() === true;
  }

  async #fill(conv: string, stream: Stream): Promise<void> {
    stream.filling = true;
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
          }
          let stalled = false;
          for (; next < page.items.length; next++) {
            const m = page.items[next]!;
            if (m.seq !== (stream.lastSent ?? 0) + 1) continue;
            const own = stream.own.has(m.seq) || this.deps.isOwn?.(m) === true;
            if (!own && this.#congested()) {
              stalled = true; // the rest of the page after the socket drained
              break;
            }
            if (!this.#send(stream, m.seq, own ? null : msgFrame(m))) return;
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
      this.#streams.delete(conv);
      this.deps.fail("catch_up_failed", error, conv);
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
      if (message.seq > next) {
        result = "gap"; // fetch it from the store
        break;
      }
      if (text !== null && this.#congested()) {
        result = "congested";
        break;
      }
      if (!this.#send(stream, message.seq, text)) {
        result = "failed";
        break;
      }
    }
    stream.held.splice(0, result === "failed" ? stream.held.length : i);
    return result;
  }
}
