// Prepared statements kept for reuse under @libsql/client, for embedded files.
//
// The client prepares every statement again on every execution (its API has no statement reuse),
// and for Parley's statements preparing costs about as much as running them: a commit of one
// message spent about half its CPU there (`bench:store -- --batch=1 --convs=1`: 671 / 684 µs of CPU
// per commit, 326 / 341 µs with this cache). The client runs on the `libsql` binding's Database, whose
// statements can run again and again (each run resets and rebinds; a failed run does not poison the
// next), so the binding's prepare is given a cache: per database, the most recently used
// statements by their SQL text. The client sets a statement's modes (safe integers, raw) before
// each run, so a statement shared between runs carries nothing over from the one before.
import Libsql from "libsql";

/** statements kept per database; drizzle's `IN (?, ?, …)` lists make a text per list length */
const MAX_STATEMENTS = 500;

type Database = Libsql.Database;
type Statement = Libsql.Statement;

const caches = new WeakMap<Database, Map<string, Statement>>();
let installed = false;

/** Installs the cache in the binding's Database, once per process; idempotent. */
export function reusePreparedStatements(): void {
  if (installed) return;
  installed = true;
  const prototype = Libsql.prototype;
  const prepare = prototype.prepare;
  const close = prototype.close;
  prototype.prepare = function (this: Database, source: string) {
    let cache = caches.get(this);
    if (!cache) caches.set(this, (cache = new Map()));
    let statement = cache.get(source);
    if (statement) cache.delete(source); // re-inserted below: the Map's order is the recency
    else statement = prepare.call(this, source);
    cache.set(source, statement!);
    if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    return statement!;
  } as Database["prepare"];
  prototype.close = function (this: Database) {
    caches.delete(this);
    return close.call(this);
  } as Database["close"];
}
