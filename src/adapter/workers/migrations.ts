// The drizzle-kit migrations of drizzle/ (the shared database) and drizzle/log/ (each conversation
// object's own storage, LOG_PLACEMENT=object), applied by the Worker and the objects themselves:
// the SQL files are bundled as text (wrangler.toml [[rules]]), because a Worker has no file
// system for drizzle's migrator.
// Bookkeeping is drizzle's own: the `__drizzle_migrations` table with the same hash and
// created_at per migration, so a database that Bun's migrator (src/adapter/bun/store.ts) touched is
// in the same state to this one, and the other way round.
import journal from "../../../drizzle/meta/_journal.json";
import m0000 from "../../../drizzle/0000_init.sql";
import m0001 from "../../../drizzle/0001_logins.sql";
import m0002 from "../../../drizzle/0002_entries.sql";
import m0003 from "../../../drizzle/0003_search.sql";
import m0004 from "../../../drizzle/0004_contacts.sql";
import m0005 from "../../../drizzle/0005_uploads.sql";
import m0006 from "../../../drizzle/0006_entry_uploads.sql";
import m0007 from "../../../drizzle/0007_bots.sql";
import m0008 from "../../../drizzle/0008_bot_positions.sql";
import m0009 from "../../../drizzle/0009_conversation_lists.sql";
import m0010 from "../../../drizzle/0010_push.sql";
import m0011 from "../../../drizzle/0011_search_rows_no_ts.sql";
import m0012 from "../../../drizzle/0012_search_rows_by_time.sql";
import m0013 from "../../../drizzle/0013_client_id_first.sql";
import m0014 from "../../../drizzle/0014_messages_no_id_index.sql";
import logJournal from "../../../drizzle/log/meta/_journal.json";
import log0000 from "../../../drizzle/log/0000_log.sql";
import log0001 from "../../../drizzle/log/0001_search.sql";
import log0002 from "../../../drizzle/log/0002_conversation_lists.sql";
import log0003 from "../../../drizzle/log/0003_search_rows_no_ts.sql";
import log0004 from "../../../drizzle/log/0004_search_rows_by_time.sql";
import log0005 from "../../../drizzle/log/0005_client_id_first.sql";
import log0006 from "../../../drizzle/log/0006_messages_no_id_index.sql";
import { sha256Hex } from "../../core/random.ts";
import type { SqlDb } from "../../store/sql/db.ts";
import { sql } from "drizzle-orm";

// A new drizzle/NNNN_*.sql needs a line here; a journal entry without one fails every request.
const files: Record<string, string> = {
  "0000_init": m0000,
  "0001_logins": m0001,
  "0002_entries": m0002,
  "0003_search": m0003,
  "0004_contacts": m0004,
  "0005_uploads": m0005,
  "0006_entry_uploads": m0006,
  "0007_bots": m0007,
  "0008_bot_positions": m0008,
  "0009_conversation_lists": m0009,
  "0010_push": m0010,
  "0011_search_rows_no_ts": m0011,
  "0012_search_rows_by_time": m0012,
  "0013_client_id_first": m0013,
  "0014_messages_no_id_index": m0014,
};

// The same for drizzle/log/ (drizzle.log.config.ts).
const logFiles: Record<string, string> = {
  "0000_log": log0000,
  "0001_search": log0001,
  "0002_conversation_lists": log0002,
  "0003_search_rows_no_ts": log0003,
  "0004_search_rows_by_time": log0004,
  "0005_client_id_first": log0005,
  "0006_messages_no_id_index": log0006,
};

export interface Migration {
  tag: string;
  /** journal `when`, stored as created_at: the migrator applies every migration newer than the last row */
  createdAt: number;
  statements: string[];
  hash: string;
}

type Journal = { entries: { tag: string; when: number }[] };

/** The shared database's migrations. */
export const bundledMigrations = () => fromJournal(journal, files, "drizzle");

/**
 * A conversation object's (drizzle/log/). `extra`: migrations after the bundled ones (the
 * migration test adds one; see conversation-log.ts).
 */
export const logMigrations = async (extra: Migration[] = []) => [...(await fromJournal(logJournal, logFiles, "drizzle/log")), ...extra];

async function fromJournal(journal: Journal, files: Record<string, string>, folder: string): Promise<Migration[]> {
  return Promise.all(
    journal.entries.map(async (entry) => {
      const text = files[entry.tag];
      if (text === undefined) throw new Error(`migration ${entry.tag} is in ${folder}/meta/_journal.json but not bundled (src/adapter/workers/migrations.ts)`);
      return {
        tag: entry.tag,
        createdAt: Math.trunc(entry.when),
        statements: text.split("--> statement-breakpoint").filter((s) => s.trim() !== ""),
        hash: await sha256Hex(text), // hex: safe to write as a literal
      };
    }),
  );
}

const TABLE = "__drizzle_migrations";

async function lastApplied(db: SqlDb): Promise<number | null> {
  await db.run(sql.raw(`CREATE TABLE IF NOT EXISTS ${TABLE} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`));
  // all(), not get(): drizzle's libSQL driver throws on get() of a raw query that finds no row
  const [row] = await db.all<{ created_at: number | string }>(sql.raw(`SELECT created_at FROM ${TABLE} ORDER BY created_at DESC LIMIT 1`));
  return row ? Number(row.created_at) : null;
}

/**
 * Applies the pending migrations, all of them in one batch (one transaction on D1 and libSQL:
 * either every statement lands or none). Two isolates starting at once may both try: the loser's
 * batch fails on the tables the winner created and rolls back, and its second look finds nothing
 * left to do. Returns the tags it applied.
 */
export async function migrate(db: SqlDb, migrations: Migration[]): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const last = await lastApplied(db);
    const pending = migrations.filter((m) => last === null || last < m.createdAt);
    if (pending.length === 0) return [];
    const statements = pending.flatMap((m) => [
      ...m.statements.map((s) => db.run(sql.raw(s))),
      // Literals, not parameters: drizzle's D1 batch cannot bind raw SQL (hex hash, integer time).
      db.run(sql.raw(`INSERT INTO ${TABLE} ("hash", "created_at") VALUES ('${m.hash}', ${m.createdAt})`)),
    ]);
    try {
      await db.batch(statements as unknown as Parameters<SqlDb["batch"]>[0]);
      return pending.map((m) => m.tag);
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
}
