// The drizzle/ migrations on a database that already holds data: 0001 renames `sessions` to
// `logins` (and `session_id` to `login_id`) in place, so logins made before it keep working.
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import journal from "../../drizzle/meta/_journal.json";
import { sha256Hex } from "../../src/core/random.ts";
import { migrationsFolder, openLibsql } from "../../src/adapter/bun/store.ts";
import { tempDataDir } from "../support/target.ts";

const data = tempDataDir();
afterAll(() => data.remove());

/** A migrations folder with only the first migration, as a database made before 0001 saw it. */
function firstMigrationOnly(): string {
  const dir = join(data.dir, "migrations-0000");
  mkdirSync(join(dir, "meta"), { recursive: true });
  const first = journal.entries[0]!;
  writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: [first] }));
  copyFileSync(join(migrationsFolder, `${first.tag}.sql`), join(dir, `${first.tag}.sql`));
  return dir;
}

test("a login and its refresh token from before the rename still refresh after it", async () => {
  const client = createClient({ url: `file:${join(data.dir, "parley.db")}` });
  await migrate(drizzle(client), { migrationsFolder: firstMigrationOnly() });
  await client.batch([
    "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES ('u1', 'old', 'Old', 'x', 0)",
    "INSERT INTO sessions (id, user_id, created_at) VALUES ('login-1', 'u1', 0)",
    { sql: "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES (?, 'login-1', ?)", args: [await sha256Hex("token-1"), Date.now() + 60_000] },
  ]);
  client.close();

  const { store, client: migrated } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  try {
    expect(await store.logins.isLoginActive("login-1")).toBe(true);
    const next = { hash: await sha256Hex("token-2"), expiresAt: Date.now() + 60_000 };
    expect(await store.logins.rotateRefreshToken(await sha256Hex("token-1"), next, Date.now())).toEqual({ outcome: "rotated", loginId: "login-1", userId: "u1" });
    const tables = (await migrated.execute("SELECT name FROM sqlite_master WHERE type = 'table'")).rows.map((r) => r.name);
    expect(tables).toContain("logins");
    expect(tables).not.toContain("sessions");
  } finally {
    migrated.close();
  }
});
