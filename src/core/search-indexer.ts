// Fills the full-text index after the commits, off the ack path: a committed entry only marks its
// conversation; the indexer then catches that conversation's index up in batches, one turn at a
// time, while sends go on. Nothing is lost when the process dies between a commit and its
// indexing: each conversation's indexed position is stored with the index, and start() catches
// up every conversation whose log is ahead of it.
import { nextTurn } from "./next-turn.ts";
import type { SearchStore } from "./store/search.ts";

/** Entries indexed per step (one transaction), at most. */
const BATCH = 500;
/** How long a step waits for more commits when there is no backlog: search lags the log by about this. */
const GATHER_MS = 50;
/** Conversations per step, at most (their list is one JSON parameter). */
const MAX_CONVERSATIONS = 500;

export class SearchIndexer {
  /** conversations with entries to index, in the order they were touched */
  readonly #dirty = new Set<string>();
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly store: SearchStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Catches up every conversation whose log is ahead of the index (after a restart, say). */
  async start(): Promise<void> {
    for (let behind = await this.store.behind(1000); behind.length > 0 && !this.#stopped; behind = await this.store.behind(1000)) {
      for (const conv of behind) this.touched(conv);
      await this.idle();
    }
  }

  /** `conv` has new entries: they are indexed soon (on the next turns). */
  touched(conv: string): void {
    if (this.#stopped) return;
    this.#dirty.add(conv);
    this.#running ??= this.#drain().finally(() => (this.#running = null));
  }

  /** Resolves once everything touched so far is indexed. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  stop(): void {
    this.#stopped = true;
  }

  async #drain(): Promise<void> {
    let backlog = false;
    while (this.#dirty.size > 0 && !this.#stopped) {
      // A backlog goes on at the next turn (after the commits and acks of this one). Otherwise
      // the step waits a moment for more commits: under a steady trickle of sends one step then
      // indexes many entries in one transaction, instead of a transaction of its own (and the
      // event loop held for it) after every commit.
      await (backlog ? nextTurn() : new Promise((resolve) => setTimeout(resolve, GATHER_MS)));
      // Every conversation touched so far in one step: one transaction for all of them.
      const convs = [...this.#dirty].slice(0, MAX_CONVERSATIONS);
      for (const conv of convs) this.#dirty.delete(conv);
      try {
        const { more } = await this.store.catchUp(convs, BATCH);
        for (const conv of more) this.#dirty.add(conv);
        backlog = more.length > 0;
      } catch (error) {
        this.onError(error); // the next start() catches it up
      }
    }
  }
}
