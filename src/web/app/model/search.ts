// Searching this user's conversations (GET /v1/search): the hits of the latest query, newest
// first, with more pages on demand. An answer to a query that was replaced meanwhile is dropped.
import { signal } from "@preact/signals";
import type { ParleyHttp, SearchPage } from "parley/client";

export type SearchHit = SearchPage["items"][number];

const PAGE = 20;

export class Search {
  /** the query the hits are for ("" when not searching) */
  readonly query = signal("");
  readonly hits = signal<SearchHit[]>([]);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly #next = signal<string | null>(null);
  readonly hasMore = () => this.#next.value !== null;
  #asked = 0;

  constructor(private readonly api: ParleyHttp) {}

  /** Searches for `q` from its first page; "" ends searching. */
  run(q: string): Promise<void> {
    const asked = ++this.#asked;
    this.query.value = q;
    this.hits.value = [];
    this.#next.value = null;
    this.error.value = null;
    this.loading.value = false;
    return q.trim() ? this.#read(q, undefined, asked) : Promise.resolve();
  }

  more(): Promise<void> {
    const cursor = this.#next.value;
    return cursor && !this.loading.value ? this.#read(this.query.value, cursor, this.#asked) : Promise.resolve();
  }

  async #read(q: string, cursor: string | undefined, asked: number): Promise<void> {
    this.loading.value = true;
    try {
      const page = await this.api.search(q, { limit: PAGE, cursor });
      if (asked !== this.#asked) return;
      this.hits.value = [...this.hits.value, ...page.items];
      this.#next.value = page.nextCursor;
      this.error.value = null;
    } catch (error) {
      if (asked === this.#asked) this.error.value = (error as Error).message;
    } finally {
      if (asked === this.#asked) this.loading.value = false;
    }
  }
}
