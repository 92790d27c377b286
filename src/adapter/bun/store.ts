// The database on Bun: libSQL, an embedded file (default, under DATA_DIR) or any libSQL/Turso URL,
// migrated at startup by drizzle's migrator.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Store } from "../../core/store/index.ts";
import { schema } from "../../store/schema.ts";
import type { SqlDb } from "../../store/sql/db.ts";
import { sqlStore } from "../../store/sql-store.ts";

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
}

export const migrationsFolder = fileURLToPath(new URL("../../../drizzle", import.meta.url));

export async function openLibsql(config: LibsqlConfig): Promise<{ store: Store; client: Client }> {
  const local = !config.url || config.url.startsWith("file:");
  if (!config.url) mkdirSync(config.dataDir, { recursive: true });
  const client = createClient({
    url: config.url ?? `file:${join(config.dataDir, "parley.db")}`,
    authToken: config.authToken,
    // One connection, so the pragmas below hold for every statement; SQLite is single-writer anyway.
    ...(local ? { concurrency: 1, timeout: 10_000 } : {}),
  });
  if (local) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute(`PRAGMA synchronous = ${config.synchronous}`);
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return { store: sqlStore(db as unknown as SqlDb), client };
}
