// drizzle/0009_conversation_lists on a database that already holds conversations: the unread and
// mention counters of every member are counted once by the migration, then kept by the appends.
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import journal from "../../drizzle/meta/_journal.json";
import { migrationsFolder, openLibsql } from "../../src/adapter/bun/store.ts";
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

test("counters of existing conversations: content from others after the read marker, mentions of the member or all", async () => {
  const client = createClient({ url: `file:${join(data.dir, "parley.db")}` });
  await migrate(drizzle(client), { migrationsFolder: migrationsBefore("0009_conversation_lists") });
  const text = (t: string, mentions?: string[]) => JSON.stringify({ type: "text", text: t, ...(mentions ? { mentions } : {}) });
  const entries: [number, string, string, string][] = [
    [1, "u2", text("one"), "text"],
    [2, "u2", text("hey u1", ["u1"]), "text"],
    [3, "u1", text("mine"), "text"],
    [4, "u2", JSON.stringify({ type: "edit", target: 2, text: "hey!" }), "edit"],
    [5, "u2", text("everyone", ["all"]), "text"],
    [6, "u2", JSON.stringify({ type: "recalled" }), "recalled"],
  ];
  await client.batch([
    "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES ('u1', 'one', 'One', 'x', 0), ('u2', 'two', 'Two', 'x', 0)",
    "INSERT INTO conversations (id, kind, title, last_seq, created_at, last_activity_at) VALUES ('g', 'group', 'g', 6, 0, 6), ('empty', 'group', 'e', 0, 0, 0)",
    "INSERT INTO members (conv_id, user_id, role, read_seq, joined_at) VALUES ('g', 'u1', 'member', 1, 0), ('g', 'u2', 'owner', 0, 0), ('empty', 'u1', 'member', 0, 0)",
    ...entries.map(([seq, sender, body, type]) => ({
      sql: "INSERT INTO messages (conv_id, seq, id, sender_id, client_id, ts, body, type) VALUES ('g', ?, ?, ?, ?, ?, ?, ?)",
      args: [seq, `m${seq}`, sender, `c${seq}`, seq, body, type],
    })),
  ]);
  client.close();

  const { store, client: migrated } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  try {
    const byId = async (user: string) => Object.fromEntries((await store.conversationList.list(user, {})).map((c) => [c.id, c]));
    expect((await byId("u1")).g).toMatchObject({ readSeq: 1, unread: 2, mentions: 2 });
    expect((await byId("u1")).empty).toMatchObject({ unread: 0, mentions: 0 });
    expect((await byId("u2")).g).toMatchObject({ unread: 1, mentions: 0 });
    // from here the appends keep them
    await store.messageLog.appendEntries([{ id: "m7", conv: "g", sender: "u2", clientId: "c7", ts: 7, body: { type: "text", text: "more", mentions: ["u1"] } }]);
    expect((await byId("u1")).g).toMatchObject({ lastSeq: 7, unread: 3, mentions: 3 });
    expect(await store.receipts.markRead("g", "u1", 7)).toEqual({ readSeq: 7, unread: 0 });
    expect((await byId("u1")).g).toMatchObject({ unread: 0, mentions: 0 });
  } finally {
    migrated.close();
  }
});
