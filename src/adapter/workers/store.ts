// The database of the Worker: libSQL/Turso over HTTP when DATABASE_URL is set (production, or a
// database shared with Bun servers), otherwise the D1 binding `DB` (which `wrangler dev` serves
// locally from a SQLite file, no account needed). Both go through the same SQL store (src/store/sql-store.ts).
import { createClient } from "@libsql/client/web";
import { drizzle as drizzleD1 } from "drizzle-orm/d1";
import { drizzle as drizzleLibsql } from "drizzle-orm/libsql/web";
import type { Config } from "../../config.ts";
import { schema } from "../../store/schema.ts";
import type { Store } from "../../core/store/index.ts";
import type { SqlDb } from "../../store/sql/db.ts";
import { sqlStore } from "../../store/sql-store.ts";
import type { Env } from "./env.ts";

/** D1 refuses statements with more than 100 bound parameters. */
const D1_MAX_PARAMS = 100;

export interface OpenedStore {
  kind: "libsql" | "d1";
  db: SqlDb;
  store: Store;
}

export function openStore(env: Env, config: Config): OpenedStore {
  if (config.DATABASE_URL) {
    // One client for the isolate, on two conditions. HTTP only (config.ts refuses ws:), so each
    // query is a fetch of its own. And no concurrency limit: the client's default (20 at once)
    // parks a query and starts it when another one finishes, i.e. inside another request,
    // whose I/O a Worker request cannot wait on: it hangs ("code had hung"). Workers bound the
    // connections of a request themselves.
    const client = createClient({
      url: config.DATABASE_URL,
      authToken: config.DATABASE_AUTH_TOKEN,
      concurrency: Number.MAX_SAFE_INTEGER,
    });
    const db = drizzleLibsql(client, { schema }) as unknown as SqlDb;
    return { kind: "libsql", db, store: sqlStore(db) };
  }
  if (env.DB) {
    const db = withD1Batch(drizzleD1(env.DB, { schema }) as unknown as SqlDb, env.DB);
    return { kind: "d1", db, store: sqlStore(db, { maxParams: D1_MAX_PARAMS }) };
  }
  throw new Error("no database: set DATABASE_URL (libSQL/Turso) or bind a D1 database as DB in wrangler.toml");
}

type BatchItems = Parameters<SqlDb["batch"]>[0];
interface Prepared {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(result: unknown, isFromBatch: boolean): unknown;
}

/**
 * drizzle's D1 batch, but every statement prepared by D1 itself: drizzle's binds a statement that
 * raw queries (`db.all(sql)`, `db.run(sql)`) with parameters do not have, and fails on them.
 * The results are mapped by each query exactly as drizzle's batch does.
 */
function withD1Batch(db: SqlDb, d1: D1Database): SqlDb {
  const batch = async (items: BatchItems) => {
    const prepared = items.map((item) => (item as unknown as { _prepare(): Prepared })._prepare());
    const results = await d1.batch(
      prepared.map((p) => {
        const { sql, params } = p.getQuery();
        return d1.prepare(sql).bind(...params);
      }),
    );
    return results.map((result, i) => prepared[i]!.mapResult(result, true));
  };
  return Object.assign(db, { batch }) as SqlDb;
}
