// The libSQL store's appendEntries on a real embedded database: one transaction numbering a
// batch gaplessly, also when its rows travel in several JSON chunks, and clientIds idempotent.
import { expect, test } from "bun:test";
import type { NewEntry } from "../../src/core/store/message-log.ts";
import { testStore } from "../support/store.ts";

const { store, conv, all } = await testStore();

// 16,000 characters that JSON escapes (a quote each): ~64 KB per row, so 40 rows need several chunks
const big = (i: number): NewEntry => ({
  id: `m-${i}`,
  conv,
  sender: i % 2 ? "alice" : "bob",
  clientId: `c-${i}`,
  ts: 1000 + i,
  body: { type: "text", text: `${i}:` + '"'.repeat(15_990) },
});

test("a batch of 40 large messages (several JSON chunks) gets seqs 1..40, bodies as sent", async () => {
  const batch = Array.from({ length: 40 }, (_, i) => big(i + 1));
  const results = await store.messageLog.appendEntries(batch);
  expect(results.map((r) => r!.message.seq)).toEqual(batch.map((_, i) => i + 1));
  expect(results.every((r) => r!.created)).toBe(true);
  const page = await store.messageLog.history(conv, { after: 0, limit: 200, maxBytes: 1 << 30, ...all });
  expect(page.items.map((m) => m.body)).toEqual(batch.map((m) => m.body));
  expect((await store.conversations.conversation(conv))!.lastSeq).toBe(40);
});

test("resent clientIds in a later batch, and a repeat within one batch, yield the stored messages", async () => {
  const again = [big(3), { ...big(41), id: "m-41" }, { ...big(41), id: "m-41-dup" }, big(40)];
  const results = await store.messageLog.appendEntries(again);
  expect(results.map((r) => [r!.message.seq, r!.message.id, r!.created])).toEqual([
    [3, "m-3", false],
    [41, "m-41", true],
    [41, "m-41", false],
    [40, "m-40", false],
  ]);
  expect((await store.conversations.conversation(conv))!.lastSeq).toBe(41);
});

test("an entry for a conversation that does not exist, or from a non-member, is refused (null) and stores nothing", async () => {
  const results = await store.messageLog.appendEntries([{ ...big(50), conv: "nope" }, { ...big(51), sender: "mallory" }, big(52)]);
  expect(results.map((r) => r?.message.seq ?? null)).toEqual([null, null, 42]);
  expect((await store.conversations.conversation(conv))!.lastSeq).toBe(42);
});

test("a batch over two conversations numbers each on from its own last seq, also when a resend among them is refused", async () => {
  await store.users.createUser({ id: "carol", username: "carol", displayName: "carol", passwordHash: "x", createdAt: 0 });
  const { id: other } = await store.conversations.createDirect({ id: "c2", directKey: "alice:carol", createdAt: 0 }, ["alice", "carol"]);
  const entry = (n: number, into: string, sender: string, clientId = `mixed-${n}`): NewEntry => ({
    id: `mixed-${n}`,
    conv: into,
    sender,
    clientId,
    ts: 2000 + n,
    body: { type: "text", text: `${n}` },
  });
  const seqs = async (batch: NewEntry[]) => (await store.messageLog.appendEntries(batch)).map((r) => [r!.message.conv, r!.message.seq, r!.created]);
  expect(await seqs([entry(1, conv, "alice"), entry(2, other, "alice"), entry(3, conv, "bob"), entry(4, other, "carol"), entry(5, conv, "alice")])).toEqual([
    [conv, 43, true],
    [other, 1, true],
    [conv, 44, true],
    [other, 2, true],
    [conv, 45, true],
  ]);
  // c-3 was sent before (seq 3): the others still go in without a gap
  expect(await seqs([entry(6, other, "alice"), { ...big(3), id: "again" }, entry(7, conv, "bob"), entry(8, other, "carol")])).toEqual([
    [other, 3, true],
    [conv, 3, false],
    [conv, 46, true],
    [other, 4, true],
  ]);
  expect((await store.conversations.conversation(conv))!.lastSeq).toBe(46);
  expect((await store.conversations.conversation(other))!.lastSeq).toBe(4);
});
