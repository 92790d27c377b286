// One conversation's messages as the app holds them: pages of history read over HTTP (the
// newest when the conversation opens, older ones as the reader scrolls back) merged with the
// live stream, keyed by seq, so an overlap of the two can never show a message twice.
//
// Entries that change other entries (edits, recalls, reactions: PROTOCOL.md v1.1) would be
// folded into their targets here, in `add`.
import { signal } from "@preact/signals";
import type { Message, ParleyHttp } from "parley/client";

const PAGE = 50;

export class Timeline {
  /** ascending seq, no duplicates */
  readonly messages = signal<Message[]>([]);
  /** the server has older messages than the first one held */
  readonly hasOlder = signal(true);
  readonly loading = signal(false);
  /** why the last page could not be read (e.g. not a member), until one can */
  readonly failed = signal<string | null>(null);
  readonly #bySeq = new Map<number, Message>();
  #opened = false;

  constructor(
    private readonly api: ParleyHttp,
    readonly conv: string,
  ) {}

  add(messages: readonly Message[]): void {
    let changed = false;
    for (const m of messages) {
      if (this.#bySeq.has(m.seq)) continue;
      this.#bySeq.set(m.seq, m);
      changed = true;
    }
    if (changed) this.messages.value = [...this.#bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /**
   * The newest page, the first time the conversation is shown. It is read after this timeline
   * started taking the live stream, so it reaches every message the stream brought before: the
   * two leave no hole between them.
   */
  async open(): Promise<void> {
    if (this.#opened) return;
    this.#opened = true;
    await this.#page(Number.MAX_SAFE_INTEGER).catch((error) => {
      this.#opened = false;
      throw error;
    });
  }

  /** The page before the oldest message held (scrolling back). */
  async older(): Promise<void> {
    const first = this.messages.value[0]?.seq;
    if (!this.hasOlder.value || this.loading.value || first === undefined) return;
    await this.#page(first);
  }

  async #page(before: number): Promise<void> {
    this.loading.value = true;
    try {
      const page = await this.api.history(this.conv, { before, limit: PAGE });
      this.add(page.items);
      this.hasOlder.value = (page.items[0]?.seq ?? 1) > 1;
      this.failed.value = null;
    } catch (error) {
      this.failed.value = (error as Error).message;
      throw error;
    } finally {
      this.loading.value = false;
    }
  }
}
