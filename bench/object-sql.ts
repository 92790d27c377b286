// drizzle's durable-sqlite driver against plain SQL for a conversation object's commits:
// `bun bench/object-sql.ts` (flags --batch=250 --batches=400). Both run the same statements of
// SqlMessageLog.appendEntries (the set-based insert over json_each and the last-seq update) in one
// transaction per batch on bun:sqlite, through a stand-in for ctx.storage (exec + transactionSync,
// the two calls the driver makes): one through objectSqlDb and SqlMessageLog, the other with the
// SQL text prepared once and bound per batch. What differs is only what drizzle adds per batch
// (building the statements, mapping rows), the cost the choice in README is about.
import { Database } from "bun:sqlite";
import { objectSqlDb, type ObjectStorage } from "../src/adapter/workers/object-sql.ts";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { SqlMessageLog } from "../src/store/sql/message-log.ts";
import type { NewEntry } from "../src/core/store/message-log.ts";
import { emit, numFlag, round } from "./lib/stats.ts";

const batch = numFlag("batch", 250);
const batches = numFlag("batches", 400);
const CONV = "c1";

/** A database file of its own, in WAL mode as a Durable Object's storage is. */
function database(): Database {
  const db = new Database(`${tmpdir()}/parley-object-sql-${process.pid}-${Math.random().toString(36).slice(2)}.db`);
  db.run("PRAGMA journal_mode = WAL");
  return db;
}

/** ctx.storage as far as drizzle's durable-sqlite driver uses it, on bun:sqlite. */
function storageOn(db: Database): ObjectStorage {
  // Runs at once, as exec does (a statement nobody reads still runs), once.
  const exec = (query: string, ...params: unknown[]) => {
    const stmt = db.query(query);
    const values = stmt.values(...(params as never[])) as unknown[][];
    const rows = values.map((v) => Object.fromEntries(stmt.columnNames.map((c, i) => [c, v[i]])));
    return { toArray: () => rows, raw: () => ({ toArray: () => values }), next: () => ({ value: rows[0], done: rows.length === 0 }) };
  };
  return { sql: { exec }, transactionSync: <T>(fn: () => T): T => db.transaction(fn)() };
}

async function prepare(db: Database) {
  const folder = new URL("../drizzle/log/", import.meta.url);
  for (const file of readdirSync(folder).filter((f) => f.endsWith(".sql")).sort())
    for (const statement of readFileSync(new URL(file, folder), "utf8").split("--> statement-breakpoint")) db.run(statement);
  db.run("INSERT INTO conversations (id, kind, created_at, last_activity_at) VALUES (?, 'group', 0, 0)", [CONV]);
  db.run("INSERT INTO members (conv_id, user_id, role, joined_at) VALUES (?, 'u1', 'owner', 0)", [CONV]);
}

const entries = (k: number): NewEntry[] =>
  Array.from({ length: batch }, (_, i) => ({ id: `m-${k}-${i}`, conv: CONV, sender: "u1", clientId: `c-${k}-${i}`, ts: k, body: { type: "text", text: `message ${i} of batch ${k}` } }));

async function viaDrizzle(): Promise<number> {
  const db = database();
  await prepare(db);
  const log = new SqlMessageLog(objectSqlDb(storageOn(db)));
  const started = performance.now();
  for (let k = 0; k < batches; k++) await log.appendEntries(entries(k));
  return performance.now() - started;
}

async function plain(): Promise<number> {
  const db = database();
  await prepare(db);
  // The same statements as SqlMessageLog's, written out once.
  const insert = db.query(`INSERT INTO messages (conv_id, seq, id, sender_id, client_id, ts, body, type, target, upload_id)
    SELECT v.conv, coalesce((SELECT m.seq FROM messages m WHERE m.conv_id = v.conv ORDER BY m.seq DESC LIMIT 1), 0) + row_number() OVER (PARTITION BY v.conv ORDER BY v.i),
      v.id, v.sender, v.client_id, v.ts, v.body, v.type, v.target, v.upload_id
    FROM (SELECT key AS i, value ->> 0 AS conv, value ->> 1 AS id, value ->> 2 AS sender, value ->> 3 AS client_id, value ->> 4 AS ts, value ->> 5 AS body,
      value ->> 6 AS type, value ->> 7 AS target, value ->> 8 AS upload_id FROM json_each(?)) v
    WHERE EXISTS (SELECT 1 FROM members mb WHERE mb.conv_id = v.conv AND mb.user_id = v.sender AND mb.removed_seq IS NULL)
      AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = v.conv AND c.closed_seq IS NULL)
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conv_id = v.conv AND m.sender_id = v.sender AND m.client_id = v.client_id)
    RETURNING id, seq`);
  const advance = db.query(`UPDATE conversations SET last_seq = (SELECT m.seq FROM messages m WHERE m.conv_id = conversations.id ORDER BY m.seq DESC LIMIT 1),
      last_activity_at = max(last_activity_at, (SELECT m.ts FROM messages m WHERE m.conv_id = conversations.id ORDER BY m.seq DESC LIMIT 1))
    WHERE id IN (SELECT value FROM json_each(?)) AND (SELECT m.seq FROM messages m WHERE m.conv_id = conversations.id ORDER BY m.seq DESC LIMIT 1) > last_seq`);
  const commit = db.transaction((rows: string, convs: string) => {
    const seqs = insert.all(rows);
    advance.run(convs);
    return seqs;
  });
  const started = performance.now();
  for (let k = 0; k < batches; k++) {
    const rows = JSON.stringify(entries(k).map((m) => [m.conv, m.id, m.sender, m.clientId, m.ts, JSON.stringify(m.body), m.body.type, null, null]));
    commit(rows, JSON.stringify([CONV]));
  }
  return performance.now() - started;
}

const msgs = batch * batches;
const [d, p] = [await viaDrizzle(), await plain()];
emit({ bench: "object-sql", batch, batches, drizzleMsgsPerSec: round(msgs / (d / 1000)), plainMsgsPerSec: round(msgs / (p / 1000)), ratio: round(p / d) });
