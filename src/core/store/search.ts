// The full-text index of the conversations' logs: filled after the commits, off the ack path
// (SearchIndexer), queried for what a user may read (Search).
import type { Message } from "../../schema/messages.ts";

export interface SearchFilters {
  conv?: string;
  from?: string;
  /** ts bounds, exclusive */
  after?: number;
  before?: number;
}

/**
 * Where a hit is in the order of results, newest first: by `ts`, then `tie` (the order the index
 * took entries of the same millisecond in), then `conv`, all descending. A page's cursor is its
 * last hit's: the next page starts after it.
 */
export interface SearchCursor {
  ts: number;
  tie: number;
  conv: string;
}

/**
 * A hit as the store gives it: the entry, its current text, and its place in the order of results.
 * `message` null: recalled since it was indexed (the index catches up). Never shown, it still holds
 * its place, so that a page it ends is not taken for the last one.
 */
export interface StoredSearchHit {
  message: Message | null;
  text: string;
  at: SearchCursor;
}

/** Hits newest first: the order of SearchCursor. */
export const newestFirst = (a: SearchCursor, b: SearchCursor): number => b.ts - a.ts || b.tie - a.tie || (a.conv === b.conv ? 0 : a.conv < b.conv ? 1 : -1);

export interface SearchStore {
  /** Conversations whose log is ahead of the index. */
  behind(limit: number): Promise<string[]>;
  /**
   * Indexes the next entries of `convs` the index does not have yet (at most `limit` in all,
   * conversation by conversation in the order given), and moves their positions past them: a
   * text is added, an edit replaces its target's text, a recall removes its target. `more`: the
   * conversations with entries left.
   */
  catchUp(convs: string[], limit: number): Promise<{ more: string[] }>;
  /**
   * Content entries matching `match` (an FTS5 expression) that `viewer` may read, newest first,
   * with their current text (an edit's, if edited) and where each is in that order; at most `limit`
   * (hits recalled since they were indexed included, without their entry).
   */
  search(viewer: string, match: string, filters: SearchFilters, cursor: SearchCursor | null, limit: number): Promise<StoredSearchHit[]>;
}
