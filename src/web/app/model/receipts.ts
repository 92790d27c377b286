// How far each member of a conversation has received and read it: the receipts route when the
// conversation opens (and after a reconnect), then `receipt` frames. Positions only move forward.
// The route names every member, so it is also who counts for "read by N".
import { signal } from "@preact/signals";
import type { ParleyEvents, ParleyHttp } from "parley/client";

interface Position {
  delivered: number;
  read: number;
}

/** What the others did with one of our messages. */
export interface MessageReceipt {
  /** members other than the sender */
  others: number;
  delivered: number;
  read: number;
}

export class Receipts {
  readonly #byConv = signal<Record<string, Record<string, Position>>>({});
  /** conversations the receipts route answered for: their members are known */
  readonly #loaded = signal<ReadonlySet<string>>(new Set());

  constructor(private readonly api: ParleyHttp) {}

  async load(conv: string): Promise<void> {
    const { items } = await this.api.receipts(conv);
    for (const item of items) {
      this.#merge(conv, item.userId, { delivered: item.deliveredSeq, read: item.readSeq });
    }
    if (!this.#loaded.value.has(conv)) this.#loaded.value = new Set(this.#loaded.value).add(conv);
  }

  apply(receipt: ParleyEvents["receipt"]): void {
    const seq = receipt.seq;
    this.#merge(receipt.conv, receipt.user, receipt.kind === "read" ? { delivered: seq, read: seq } : { delivered: seq, read: 0 });
  }

  /**
   * For a message of `sender` at `seq`: how many of the other members got it and read it. The
   * members are those the receipts route named; until it answered, nobody is known to have.
   */
  of(conv: string, seq: number, sender: string): MessageReceipt {
    const others = this.#loaded.value.has(conv) ? Object.entries(this.#byConv.value[conv] ?? {}).filter(([user]) => user !== sender) : [];
    return {
      others: others.length,
      delivered: others.filter(([, at]) => at.delivered >= seq).length,
      read: others.filter(([, at]) => at.read >= seq).length,
    };
  }

  #merge(conv: string, user: string, next: Position): void {
    const positions = this.#byConv.value[conv] ?? {};
    const had = positions[user] ?? { delivered: 0, read: 0 };
    // reading implies having received
    const merged = { delivered: Math.max(had.delivered, next.delivered, next.read), read: Math.max(had.read, next.read) };
    if (merged.delivered === had.delivered && merged.read === had.read) return;
    this.#byConv.value = { ...this.#byConv.value, [conv]: { ...positions, [user]: merged } };
  }
}
