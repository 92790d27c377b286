// What every SQL store file shares: the database type, and cutting work into statements the
// database accepts.
import type { BatchItem } from "drizzle-orm/batch";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { schema } from "../schema.ts";

/** A drizzle SQLite database that can run a batch atomically (libSQL and D1 both can). */
export type SqlDb = BaseSQLiteDatabase<"async", unknown, typeof schema> & {
  batch(items: readonly [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]): Promise<unknown[]>;
};

/** A batch built from a list: drizzle's type wants at least one item, which callers ensure. */
export const batchOf = (items: BatchItem<"sqlite">[]) => items as unknown as readonly [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

// SQLite accepts at most 32,766 bound parameters per statement; D1 (and Durable Object SQLite)
// only 100. Multi-row statements are cut so that rows × params-per-row stays within the budget.
export const DEFAULT_MAX_PARAMS = 3000;

export const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Rows as JSON arrays for json_each(?), cut so one parameter stays far below D1's 2 MB limit
 * on a string (a row is at most one message body of 16,000 characters, escaped).
 */
const MAX_JSON_CHARS = 500_000;
export function jsonChunks(rows: unknown[][]): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let size = 0;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (part.length > 0 && size + json.length > MAX_JSON_CHARS) {
      out.push(`[${part.join(",")}]`);
      part = [];
      size = 0;
    }
    part.push(json);
    size += json.length + 1;
  }
  if (part.length > 0) out.push(`[${part.join(",")}]`);
  return out;
}
