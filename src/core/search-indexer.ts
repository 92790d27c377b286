// Fills the full-text index after the commits, off the ack path: a committed entry only marks its
// conversation; the indexer then catches that conversation's index up in batches, one turn at a
// time, while sends go on. Nothing is lost when the process dies between a commit and its
// indexing: each conversation's indexed position is stored with the index, and start() catches
// up every conversation whose log is ahead of it.
//
// Indexing runs on the thread that commits and acknowledges sends (an embedded database works
// synchronously underneath its promises). While entries are being committed, the indexer takes at
// most `share` of that thread's time: after a step of d ms with a backlog left, it waits
// d × (1 − share) / share before the next. At saturation sends keep the rest, and search falls
// behind the log by whatever the indexer cannot do in its share; once a wait passes without a
// commit, steps follow each other at once and the index catches up at full speed.
import { nextTurn } from "./next-turn.ts";
import type { SearchStore } from "./store/search.ts";

/** Entries indexed per step (one transaction), at most. */
const BATCH = 1000;
/** How long a step waits for more commits when there is no backlog: search lags the log by about this. */
const GATHER_MS = 50;
/** Conversations per step, at most (their list is one JSON parameter). */
const MAX_CONVERSATIONS = 500;
/** The indexer's share of the thread while entries are being committed (see above). */
export const INDEX_SHARE = 0.05;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SearchIndexer {
  /** conversations with entries to index, in the order they were touched */
  readonly #dirty = new Set<string>();
  #running: Promise<void> | null = null;
  #stopped = false;
  /** entries committed so far (touched() calls), and when the last pause began */
  #commits = 0;
  #commitsAtPause = 0;
  /** performance.now() before which no step starts while sends go on (the share) */
  #nextStepAt = 0;

  constructor(
    private readonly store: SearchStore,
    private readonly onError: (error: unknown) => void,
    private readonly share = INDEX_SHARE,
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
    this.#commits++;
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
      await this.#pause(backlog);
      // Every conversation touched so far in one step: one transaction for all of them.
      const convs = [...this.#dirty].slice(0, MAX_CONVERSATIONS);
      for (const conv of convs) this.#dirty.delete(conv);
      const started = performance.now();
      try {
        const { more } = await this.store.catchUp(convs, BATCH);
        for (const conv of more) this.#dirty.add(conv);
        backlog = more.length > 0;
      } catch (error) {
        this.onError(error); // the next start() catches it up
      }
      const ended = performance.now();
      // the next step while sends go on: once they had the rest of the thread
      this.#nextStepAt = ended + ((ended - started) * (1 - this.share)) / this.share;
    }
  }

  /**
   * Before a step. Without a backlog it waits a moment for more commits: under a steady trickle
   * of sends one step then indexes many entries in one transaction, instead of a transaction of
   * its own (and the thread held for it) after every commit. While sends go on (entries were
   * committed since the last pause began), it also waits until they had their share of the
   * thread. A backlog with nothing committed meanwhile goes on at the next turn.
   */
  #pause(backlog: boolean): Promise<void> {
    const busy = this.#commits !== this.#commitsAtPause;
    this.#commitsAtPause = this.#commits;
    const gather = backlog ? 0 : GATHER_MS;
    if (busy) return sleep(Math.max(gather, this.#nextStepAt - performance.now()));
    return backlog ? nextTurn() : sleep(gather);
  }
}
