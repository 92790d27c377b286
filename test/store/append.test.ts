// The libSQL store's appendMessages on a real embedded database: one transaction numbering a
// batch gaplessly, also when its rows travel in several JSON chunks, and clientIds idempotent.
import { afterAll, expect, test } from "bun:test";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import type { NewMessage } from "../../src/core/store/message-log.ts";
import { tempDataDir } from "../support/target.ts";

const data = tempDataDir();
const { store, client } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
afterAll(() => {
  client.close();
  data.remove();
});

for (const id of ["alice", "bob"]) await store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
const { id: conv } = await store.conversations.createDirect({ id: "c1", directKey: "alice:bob", createdAt: 0 }, ["alice", "bob"]);

// 16,000 characters that JSON escapes (a quote each): ~64 KB per row, so 40 rows need several chunks
const big = (i: number): NewMessage => ({
  id: `m-${i}`,
  conv,
  sender: i % 2 ? "alice" : "bob",
  clientId: `c-${i}`,
  ts: 1000 + i,
  body: { type: "text", text: `${i}:` + '"'.repeat(15_990) },
});

test("a batch of 40 large messages (several JSON chunks) gets seqs 1..40, bodies as sent", async () => {
  const batch = Array.from({ length: 40 }, (_, i) => big(i + 1));
  const results = await store.messageLog.appendMessages(batch);
  expect(results.map((r) => r.message.seq)).toEqual(batch.map((_, i) => i + 1));
  expect(results.every((r) => r.created)).toBe(true);
  const page = await store.messageLog.history(conv, { after: 0, limit: 200, maxBytes: 1 << 30 });
  expect(page.items.map((m) => m.body)).toEqual(batch.map((m) => m.body));
  expect((await store.conversations.conversation(conv))!.lastSeq).toBe(40);
});

test("resent clientIds in a later batch, and a repeat within one batch, yield the stored messages", async () => {
  const again = [big(3), { ...big(41), id: "m-41" }, { ...big(41), id: "m-41-dup" }, big(40)];
  const results = await store.messageLog.appendMessages(again);
  expect(results.map((r) => [r.message.seq, r.message.id, r.created])).toEqual([
    [3, "m-3", false],
    [41, "m-41", true],
    [41, "m-41", false],
    [40, "m-40", false],
  ]);
  expect((await store.conversations.conversation(conv))!.lastSeq).toBe(41);
});

test("a message for a conversation that does not exist fails the batch and stores nothing", async () => {
  await expect(store.messageLog.appendMessages([{ ...big(50), conv: "nope" }])).rejects.toThrow();
  expect((await store.conversations.conversation(conv))!.lastSeq).toBe(41);
});
