// One conversation's log as the app holds it: pages of history read over HTTP (the newest when
// the conversation opens, older ones as the reader scrolls back) merged with the live stream,
// keyed by seq, so an overlap of the two can never show an entry twice.
//
// What shows: content entries with their folded state (edited text, recalled, reactions) and
// conversation changes; actions only through their targets. History pages come folded by the
// server; a live action makes its target be read again, folded, rather than folded here, so
// the app never has to agree with the server on how.
import { computed, signal } from "@preact/signals";
import type { Message, ParleyHttp } from "parley/client";
import { isAction, targetOf } from "./entries.ts";

const PAGE = 50;
/** the largest page the server gives */
const MAX_PAGE = 200;

export class Timeline {
  readonly #entries = signal<ReadonlyMap<number, Message>>(new Map());
  /** what shows, ascending seq, no duplicates */
  readonly messages = computed(() => [...this.#entries.value.values()].filter((m) => !isAction(m)).sort((a, b) => a.seq - b.seq));
  /** the server has older entries than the first one held */
  readonly hasOlder = signal(true);
  readonly loading = signal(false);
  /** why the last page could not be read (e.g. not a member), until one can */
  readonly failed = signal<string | null>(null);
  #opening: Promise<void> | null = null;
  /** targets being read again, and whether another action came for them meanwhile */
  readonly #refolding = new Map<number, boolean>();

  constructor(
    private readonly api: ParleyHttp,
    readonly conv: string,
  ) {}

  add(entries: readonly Message[], replace = false): void {
    const next = new Map(this.#entries.value);
    for (const m of entries) if (replace || !next.has(m.seq)) next.set(m.seq, m);
    if (next.size !== this.#entries.value.size || replace) this.#entries.value = next;
    for (const m of entries) {
      const target = targetOf(m);
      if (!replace && isAction(m) && target !== undefined && next.has(target)) void this.#refold(target);
    }
  }

  /** Gone for this user (cleared up to `upTo` here or on another device): nothing older is readable. */
  cleared(upTo: number): void {
    this.#forget((seq) => seq <= upTo);
    this.hasOlder.value &&= this.#entries.value.size > 0 && this.#first() > upTo + 1;
  }

  /** One entry hidden for this user (here or on another device). */
  hid(seq: number): void {
    this.#forget((s) => s === seq);
  }

  #forget(gone: (seq: number) => boolean): void {
    const kept = [...this.#entries.value].filter(([seq]) => !gone(seq));
    if (kept.length !== this.#entries.value.size) this.#entries.value = new Map(kept);
  }

  /**
   * The newest page, the first time the conversation is shown. It is read after this timeline
   * started taking the live stream, so it reaches every entry the stream brought before: the
   * two leave no hole between them.
   */
  open(): Promise<void> {
    this.#opening ??= this.#page(Number.MAX_SAFE_INTEGER).catch((error) => {
      this.#opening = null;
      throw error;
    });
    return this.#opening;
  }

  /** The page before the oldest entry held (scrolling back). */
  async older(limit = PAGE): Promise<void> {
    const first = this.#first();
    if (!this.hasOlder.value || this.loading.value || !Number.isFinite(first)) return;
    await this.#page(first, limit);
  }

  /**
   * Reads back until `seq` is held (a search hit to show), in large pages: what is held stays one
   * unbroken stretch up to the newest entry. False when it cannot be (not readable, or gone).
   */
  async reach(seq: number): Promise<boolean> {
    await this.open();
    while (!this.#entries.value.has(seq) && this.#first() > seq && this.hasOlder.value) {
      if (this.loading.value) await new Promise((resolve) => setTimeout(resolve, 50));
      else await this.older(MAX_PAGE);
    }
    return this.#entries.value.has(seq);
  }

  #first(): number {
    return Math.min(...this.#entries.value.keys());
  }

  async #page(before: number, limit = PAGE): Promise<void> {
    this.loading.value = true;
    try {
      const page = await this.api.history(this.conv, { before, limit });
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

  /** Reads `seq` again with its folded state; one read at a time per target, again if needed. */
  async #refold(seq: number): Promise<void> {
    if (this.#refolding.has(seq)) return void this.#refolding.set(seq, true);
    this.#refolding.set(seq, false);
    try {
      const { items } = await this.api.history(this.conv, { after: seq - 1, limit: 1 });
      if (items[0]?.seq === seq) this.add(items, true);
    } catch {
      // stays as it was; the next action on it or a reopen reads it again
    } finally {
      const again = this.#refolding.get(seq);
      this.#refolding.delete(seq);
      if (again) void this.#refold(seq);
    }
  }
}
