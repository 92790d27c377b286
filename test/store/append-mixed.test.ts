// appendEntries over batches that mix what the bet (every row goes in) cannot hold for: several
// conversations across JSON chunks, a resend in a later chunk, a non-member, a closed conversation.
import { expect, test } from "bun:test";
import type { NewEntry } from "../../src/core/store/message-log.ts";
import { testStore } from "../support/store.ts";

const { store, client } = await testStore();
for (const id of ["carol", "dave"]) await store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
await store.conversations.createGroup({ id: "ga", title: "a", createdAt: 0 }, [{ userId: "alice", role: "owner" }, { userId: "bob", role: "member" }]);
await store.conversations.createGroup({ id: "gb", title: "b", createdAt: 0 }, [{ userId: "carol", role: "owner" }, { userId: "alice", role: "member" }]);
await store.conversations.createGroup({ id: "gc", title: "c", createdAt: 0 }, [{ userId: "dave", role: "owner" }]);

let n = 0;
const entry = (conv: string, sender: string, size = 10, clientId?: string): NewEntry => {
  n++;
  return { id: `e${n}`, conv, sender, clientId: clientId ?? `k${n}`, ts: 1000 + n, body: { type: "text", text: `${n}:` + '"'.repeat(size) } };
};

async function seqsOf(conv: string): Promise<number[]> {
  const rows = await client.execute({ sql: "SELECT seq FROM messages WHERE conv_id = ? ORDER BY seq", args: [conv] });
  return rows.rows.map((r) => Number(r.seq));
}
const gapless = (seqs: number[]) => seqs.every((s, i) => s === i + 1);

test("rows of two conversations over several chunks, a resend in the last chunk and a non-member in the middle: each numbered gaplessly", async () => {
  const first = [entry("ga", "alice"), entry("gb", "carol")];
  await store.messageLog.appendEntries(first);
  const batch: NewEntry[] = [];
  for (let i = 0; i < 40; i++) batch.push(entry(i % 2 ? "ga" : "gb", i % 2 ? "bob" : "alice", 15_990));
  batch.splice(20, 0, entry("ga", "dave")); // not a member of ga
  batch.push({ ...first[0]!, id: "again" }); // a resend, in the last chunk
  batch.push(entry("gc", "dave"), entry("ga", "alice"));
  const results = await store.messageLog.appendEntries(batch);
  expect(results[20]).toBeNull();
  expect(results.at(-3)).toMatchObject({ created: false, message: { id: first[0]!.id, seq: 1 } });
  expect(results.filter((r) => r?.created).length).toBe(42);
  for (const conv of ["ga", "gb", "gc"]) {
    const seqs = await seqsOf(conv);
    expect([conv, gapless(seqs)]).toEqual([conv, true]);
    expect((await store.conversations.conversation(conv))!.lastSeq).toBe(seqs.length);
  }
  // what each was answered is what is stored
  for (const r of results) if (r?.created) expect((await store.messageLog.entry(r.message.conv, r.message.seq))?.id).toBe(r.message.id);
});

test("a closed conversation's rows among open ones: refused, the others numbered on, then a batch bets again", async () => {
  const [closing] = await store.messageLog.appendEntries([{ id: "bye", conv: "gc", sender: "dave", clientId: "bye", ts: 5000, body: { type: "dissolved" } }]);
  expect(closing?.created).toBe(true);
  const batch = [entry("gc", "dave"), entry("ga", "alice"), entry("gc", "dave"), entry("gb", "carol"), entry("ga", "bob")];
  const before = { ga: (await seqsOf("ga")).length, gb: (await seqsOf("gb")).length };
  const results = await store.messageLog.appendEntries(batch);
  expect(results.map((r) => r && [r.message.conv, r.message.seq, r.created])).toEqual([
    null,
    ["ga", before.ga + 1, true],
    null,
    ["gb", before.gb + 1, true],
    ["ga", before.ga + 2, true],
  ]);
  const next = await store.messageLog.appendEntries([entry("ga", "alice"), entry("gb", "alice")]);
  expect(next.map((r) => r && r.message.seq)).toEqual([before.ga + 3, before.gb + 2]);
  for (const conv of ["ga", "gb", "gc"]) expect([conv, gapless(await seqsOf(conv))]).toEqual([conv, true]);
});
