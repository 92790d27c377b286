// A Durable Object's own SQLite storage (ctx.storage.sql) as the SqlDb the SQL store is written
// against, so the shared database's SQL (message-log.ts, entry-effects.ts, receipts.ts) runs
// unchanged in a conversation's object. drizzle's durable-sqlite driver executes synchronously;
// two things make it fit:
// - `batch` is ONE `transactionSync`: every statement of a group-commit batch commits or none
//   does, without yielding to other events in between;
// - raw queries (`db.all(sql)`, `db.run(sql)`, …) are deferred until awaited or batched, as on
//   the async drivers. The sync driver runs them at once, which would take them out of the batch
//   they are built for.
// Awaiting anything here resolves at once (there is no I/O to wait for); durability comes from the
// output gate: nothing the object sends leaves before its writes are on disk (see conversation-log.ts).
import type { SQLWrapper } from "drizzle-orm";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { QueryPromise } from "drizzle-orm/query-promise";
import { schema } from "../../store/schema.ts";
import type { SqlDb } from "../../store/sql/db.ts";

/** A raw query, run when awaited or when its batch runs. */
class Deferred<T> extends QueryPromise<T> {
  constructor(private readonly run: () => T) {
    super();
  }
  override async execute(): Promise<T> {
    return this.run();
  }
  sync(): T {
    return this.run();
  }
}

/** What a drizzle query builder is to the sync driver: prepared, it executes synchronously. */
interface SyncBuilder {
  _prepare(): { execute(): { sync(): unknown } };
}

/**
 * What of ctx.storage (a DurableObjectStorage) the driver and the batches use; spelled out so
 * that bench/object-sql.ts can run this file on Bun with a stand-in.
 */
export interface ObjectStorage {
  sql: { exec(query: string, ...bindings: unknown[]): unknown };
  transactionSync<T>(closure: () => T): T;
}

export function objectSqlDb(storage: ObjectStorage): SqlDb {
  const db = drizzle(storage as unknown as Parameters<typeof drizzle>[0], { schema });
  const defer = (run: (query: SQLWrapper | string) => unknown) => (query: SQLWrapper | string) => new Deferred(() => run(query));
  const batch = async (items: readonly unknown[]) =>
    storage.transactionSync(() => items.map((item) => (item instanceof Deferred ? item.sync() : (item as SyncBuilder)._prepare().execute().sync())));
  return Object.assign(db, {
    all: defer(db.all.bind(db)),
    get: defer(db.get.bind(db)),
    run: defer(db.run.bind(db)),
    values: defer(db.values.bind(db)),
    batch,
  }) as unknown as SqlDb;
}
