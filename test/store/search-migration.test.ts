// drizzle/0011_search_contentless on a database indexed before it: the words move into the
// contentless FTS5 table, so nothing is indexed again, and edits and recalls still take words out.
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import journal from "../../drizzle/meta/_journal.json";
import { migrationsFolder, openLibsql } from "../../src/adapter/bun/store.ts";
import { matchExpression, parseQuery } from "../../src/core/search-text.ts";
import type { Store } from "../../src/core/store/index.ts";
import { schema } from "../../src/store/schema.ts";
import type { SqlDb } from "../../src/store/sql/db.ts";
import { sqlStore } from "../../src/store/sql-store.ts";
import { tempDataDir } from "../support/target.ts";

const data = tempDataDir();
afterAll(() => data.remove());

/** A migrations folder with every migration before `tag`, as a database made before it saw them. */
function migrationsBefore(tag: string): string {
  const dir = join(data.dir, `migrations-before-${tag}`);
  mkdirSync(join(dir, "meta"), { recursive: true });
  const entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === tag));
  writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const e of entries) copyFileSync(join(migrationsFolder, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  return dir;
}

const text = (n: number, t: string) => ({ id: `m${n}`, conv: "g", sender: "u1", clientId: `c${n}`, ts: n, body: { type: "text" as const, text: t } });
const found = async (store: Store, q: string) => (await store.search.search("u1", matchExpression(parseQuery(q)), {}, null, 20)).map((h) => h.message.seq);

test("the index made before keeps its words in the contentless table; edits and recalls still take them out", async () => {
  const client = createClient({ url: `file:${join(data.dir, "parley.db")}` });
  const before = drizzle(client, { schema });
  await migrate(before, { migrationsFolder: migrationsBefore("0011_search_contentless") });
  const old = sqlStore(before as unknown as SqlDb);
  await old.users.createUser({ id: "u1", username: "one", displayName: "One", passwordHash: "x", createdAt: 0 });
  await old.conversations.createGroup({ id: "g", title: "g", createdAt: 0 }, [{ userId: "u1", role: "owner" }]);
  await old.messageLog.appendEntries([text(1, "hello old world"), text(2, "你好世界"), text(3, "hello again")]);
  await old.search.catchUp(["g"], 100);
  expect(await found(old, "hello")).toEqual([3, 1]);
  client.close();

  const { store, client: migrated } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  try {
    const [table] = (await migrated.execute("SELECT sql FROM sqlite_master WHERE name = 'search_index'")).rows;
    expect(String(table!.sql)).toContain("contentless_delete");
    // found without indexing anything again: the positions stayed where they were
    expect(await store.search.behind(10)).toEqual([]);
    expect(await found(store, "hello")).toEqual([3, 1]);
    expect(await found(store, "你好")).toEqual([2]);
    expect(await found(store, "世")).toEqual([2]);
    await store.messageLog.appendEntries([{ ...text(4, ""), body: { type: "edit", target: 1, text: "goodbye" } }]);
    await store.messageLog.appendEntries([{ ...text(5, ""), body: { type: "recall", target: 2 } }]);
    await store.search.catchUp(["g"], 100);
    expect(await found(store, "hello")).toEqual([3]);
    expect(await found(store, "goodbye")).toEqual([1]);
    expect(await found(store, "你好")).toEqual([]);
    const [{ n }] = (await migrated.execute("SELECT count(*) AS n FROM search_index WHERE search_index MATCH 'hello OR goodbye OR 你好'")).rows as unknown as [{ n: number }];
    expect(Number(n)).toBe(2);
  } finally {
    migrated.close();
  }
});
