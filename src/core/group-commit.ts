// Group commit: sends that arrive while a transaction is in flight wait and go together into
// the next one, so N concurrent sends cost one transaction (and one fsync), not N.
// Results are handed back in submission order, which is seq order within a conversation.
//
// A batch is taken only after the runtime has handled the I/O waiting for it (a macrotask, not
// a microtask): an embedded database commits synchronously underneath its promises, so taking
// the queue right after the first send would commit every send on its own while the others
// still sit unread in the sockets.
import { nextTurn } from "./next-turn.ts";

interface Pending<In, Out> {
  item: In;
  /** committed in a batch of its own (a change that later items must see committed first) */
  alone: boolean;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

export class GroupCommitter<In, Out> {
  #queue: Pending<In, Out>[] = [];
  #running = false;

  constructor(
    private readonly commit: (items: In[]) => Promise<Out[]>,
    /** runs synchronously after each committed batch, before any caller resumes */
    private readonly onCommitted: (items: In[], results: Out[]) => void = () => {},
    private readonly maxBatch = 1000,
  ) {}

  /** `alone`: commit it in a batch of its own, after everything before it and before anything after. */
  submit(item: In, alone = false): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, alone, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        void this.#drain();
      }
    });
  }

  async #drain(): Promise<void> {
    while ((await nextTurn(), this.#queue.length > 0)) {
      const batch = this.#queue.splice(0, this.#batchSize());
      const items = batch.map((p) => p.item);
      try {
        const results = await this.commit(items);
        this.onCommitted(items, results);
        batch.forEach((p, i) => p.resolve(results[i] as Out));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.#running = false;
  }

  /** The next batch: up to maxBatch items, cut before an item that goes alone (or just that one). */
  #batchSize(): number {
    if (this.#queue[0]!.alone) return 1;
    const alone = this.#queue.findIndex((p, i) => i < this.maxBatch && p.alone);
    return alone === -1 ? this.maxBatch : alone;
  }
}
