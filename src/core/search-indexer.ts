// Fills the full-text index after the commits, off the ack path: a committed entry only marks its
// conversation; the indexer then catches that conversation's index up in batches, one turn at a
// time, while sends go on. Nothing is lost when the process dies between a commit and its
// indexing: each conversation's indexed position is stored with the index, and start() catches
// up every conversation whose log is ahead of it.
//
// Indexing runs on the thread that commits and acknowledges sends (an embedded database works
// synchronously underneath its promises), so it takes only what the sends leave of that thread.
// While entries are being committed, the indexer waits after each step, turn by turn (sleeping
// while the thread is idle), and measures how much of that wait went to other work (turns that
// took longer than an empty one, timers that fired late);
// its share of the thread is then what the others left (less a margin), at least MIN_SHARE. At
// saturation the sends keep 95% of the thread and search falls behind the log by whatever the
// indexer cannot do in its 5%; under a lighter load it uses the idle time; once a wait passes
// without a commit, steps follow each other at once and the index catches up at full speed.
import { nextTurn } from "./next-turn.ts";
import type { SearchStore } from "./store/search.ts";

/** Entries indexed per step (one transaction), at most. */
const BATCH = 500;
/** How long a step waits for more commits when there is no backlog: search lags the log by about this. */
const GATHER_MS = 50;
/** Conversations per step, at most (their list is one JSON parameter). */
const MAX_CONVERSATIONS = 500;
/** The indexer's share of the thread while entries are being committed: at least (at saturation)… */
export const MIN_SHARE = 0.05;
/** …at most (others' bursts keep some room) … */
const MAX_SHARE = 0.8;
/** …and what it leaves of the others' idle time. */
const MARGIN = 0.1;
/** A turn longer than this did other work (an empty turn takes some microseconds). */
const WORK_TURN_MS = 0.1;
/** How long an idle thread sleeps between two looks while the indexer waits for its share. */
const IDLE_SLEEP_MS = 1;
/** A timer later than this did other work (a 1 ms timer fires after 1.09 ms median, 1.25 ms p90 here). */
const LATE_TIMER_MS = 1;
/** A wait shorter than this keeps the last measure of the others' part. */
const MEASURE_MS = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SearchIndexer {
  /** conversations with entries to index, in the order they were touched */
  readonly #dirty = new Set<string>();
  #running: Promise<void> | null = null;
  #stopped = false;
  /** entries committed so far (touched() calls), and when the last pause began */
  #commits = 0;
  #commitsAtPause = 0;
  /** when the last step began and ended (performance.now()) */
  #step = { started: 0, ended: 0 };
  /** the share of the thread the others used during the last wait (0-1); unknown at first: all */
  #othersUsed = 1;

  constructor(
    private readonly store: SearchStore,
    private readonly onError: (error: unknown) => void,
    private readonly minShare = MIN_SHARE,
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
      this.#step = { started, ended: performance.now() };
    }
  }

  /**
   * Before a step. Without a backlog it waits a moment for more commits: under a steady trickle
   * of sends one step then indexes many entries in one transaction, instead of a transaction of
   * its own (and the thread held for it) after every commit. While sends go on (entries were
   * committed since the last pause began), it then waits until the others had their part of the
   * thread. A backlog with nothing committed meanwhile goes on at the next turn.
   */
  async #pause(backlog: boolean): Promise<void> {
    const busy = this.#commits !== this.#commitsAtPause;
    this.#commitsAtPause = this.#commits;
    if (!busy) return backlog ? nextTurn() : sleep(GATHER_MS);
    if (!backlog) await sleep(GATHER_MS);
    const { started, ended } = this.#step;
    // turn by turn, measuring the others' part of the wait (at least one turn). After a turn with
    // nothing else in it the thread is idle: it sleeps IDLE_SLEEP_MS instead of taking the next
    // turn at once, and a timer that fires late counts as a turn of others' work. (Spinning turn after
    // turn kept the thread at 100% through every idle moment of a wait: a bare setImmediate loop
    // burns 0.50 s of CPU a second here, 1 ms timers 0.03 s.) While the others keep the thread
    // busy every turn has work in it, so at saturation the measure is the same as before.
    let waited = 0;
    let work = 0;
    let idle = false;
    for (;;) {
      const turn = performance.now();
      await (idle ? sleep(IDLE_SLEEP_MS) : nextTurn());
      const took = performance.now() - turn;
      waited += took;
      idle = took <= (idle ? IDLE_SLEEP_MS + LATE_TIMER_MS : WORK_TURN_MS);
      if (!idle) work += took;
      // one or two turns say little: until then the last measure stands
      if (waited >= MEASURE_MS) this.#othersUsed = work / waited;
      const share = Math.min(MAX_SHARE, Math.max(this.minShare, 1 - this.#othersUsed - MARGIN));
      if (performance.now() >= ended + ((ended - started) * (1 - share)) / share || this.#stopped) return;
    }
  }
}
