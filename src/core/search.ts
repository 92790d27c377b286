// Full-text search over what a user may read (docs/protocol.md "Search"): newest first, a page at
// a time, each hit with a snippet of its current text and where the query's terms are in it.
// Recalled entries are never found (a recall removes them from the index; a hit recalled since
// is dropped), an edited one only by its current text.
import type { SearchPage, SearchQuery } from "../schema/search.ts";
import { invalid } from "./errors.ts";
import { matchExpression, parseQuery, snippetOf } from "./search-text.ts";
import type { SearchCursor, SearchStore } from "./store/search.ts";

export class Search {
  constructor(private readonly store: SearchStore) {}

  async search(userId: string, query: SearchQuery): Promise<SearchPage> {
    const terms = parseQuery(query.q);
    if (terms.length === 0) throw invalid("the query has no words to search for", { q: query.q });
    const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const { conv, from, after, before } = query;
    const hits = await this.store.search(userId, matchExpression(terms), { conv, from, after, before }, cursor, query.limit + 1);
    // a hit recalled since it was indexed is left out of the items but ends a page like any other
    const page = hits.slice(0, query.limit);
    const last = page.at(-1)?.at;
    return {
      items: page.flatMap(({ message, text }) => (message ? [{ message, ...snippetOf(text, terms) }] : [])),
      nextCursor: hits.length > query.limit && last ? encodeCursor(last) : null,
    };
  }
}

const encodeCursor = (c: SearchCursor): string => btoa(JSON.stringify([c.ts, c.tie, c.conv])).replace(/=+$/, "");

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

function decodeCursor(text: string): SearchCursor {
  try {
    const [ts, tie, conv] = JSON.parse(atob(text)) as unknown[];
    if (isCount(ts) && isCount(tie) && typeof conv === "string") return { ts, tie, conv };
  } catch {
    // falls through
  }
  throw invalid("not a cursor of this search", { cursor: text });
}
