// The database on Bun: libSQL, an embedded file (default, under DATA_DIR) or any libSQL/Turso URL,
// migrated at startup by drizzle's migrator.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type Client, type TransactionMode } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Store } from "../../core/store/index.ts";
import { schema } from "../../store/schema.ts";
import type { SqlDb } from "../../store/sql/db.ts";
import { sqlStore } from "../../store/sql-store.ts";
import { checkpointOffLoop } from "./checkpointer.ts";
import { reusePreparedStatements } from "./statement-cache.ts";

export interface LibsqlConfig {
  /** libsql:, https:, ws: or file: URL; default file:<dataDir>/parley.db */
  url?: string;
  authToken?: string;
  dataDir: string;
  /**
   * SQLite `synchronous` for embedded files. NORMAL (default) in WAL mode: a committed write
   * survives a crash of the process; the last commits before a power loss may be lost.
   * FULL: fsync on every commit, survives power loss too, slower.
   */
  synchronous: "NORMAL" | "FULL";
  /** embedded files: WAL checkpoints in a thread of their own, not in a commit on the event loop (checkpointer.ts) */
  checkpointThread?: boolean;
}

export const migrationsFolder = fileURLToPath(new URL("../../../drizzle", import.meta.url));

/**
 * The embedded database file, readable by this user only: it holds password hashes and every
 * message. SQLite gives its -wal and -shm files the mode of the database file.
 */
function privateDatabaseFile(dataDir: string): string {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, "parley.db");
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  return file;
}

export async function openLibsql(config: LibsqlConfig): Promise<{ store: Store; client: Client; close(): void }> {
  const local = !config.url || config.url.startsWith("file:");
  const url = config.url ?? `file:${privateDatabaseFile(config.dataDir)}`;
  if (local) reusePreparedStatements();
  const client = createClient({
    url,
    authToken: config.authToken,
    // One connection, so the pragmas below hold for every statement; SQLite is single-writer anyway.
    ...(local ? { concurrency: 1, timeout: 10_000 } : {}),
  });
  if (local) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute(`PRAGMA synchronous = ${config.synchronous}`);
  }
  const db = drizzle(local ? writeLocking(client) : client, { schema });
  await migrate(db, { migrationsFolder });
  const checkpoints = local && config.checkpointThread ? await checkpointOffLoop(client, { url, synchronous: config.synchronous }) : undefined;
  return {
    store: sqlStore(db as unknown as SqlDb),
    client,
    close() {
      checkpoints?.stop();
      client.close();
    },
  };
}

/**
 * The client with its batches (drizzle's transactions) begun as BEGIN IMMEDIATE. SQLite's
 * default, a deferred transaction, takes the write lock only at its first write; when another
 * process (several Bun nodes on one file) wrote since that transaction's first read, it fails at
 * once with SQLITE_BUSY, whatever the busy timeout. Begun immediate, it waits for the lock instead.
 */
function writeLocking(client: Client): Client {
  return new Proxy(client, {
    get(target, key) {
      if (key === "batch") return (stmts: Parameters<Client["batch"]>[0], mode: TransactionMode = "write") => target.batch(stmts, mode);
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
