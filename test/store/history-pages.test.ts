// History pages on a real embedded libSQL database are bounded in bytes as well as in count:
// however large the messages, a page carries at most `maxBytes` of bodies (but always one
// message), says hasMore when it was cut short, and pages on without a gap in both directions.
import { expect, test } from "bun:test";
import type { NewEntry } from "../../src/core/store/message-log.ts";
import { testStore } from "../support/store.ts";

const { store, conv, all } = await testStore();
// 30 messages of 16,000 four-byte characters: ~64 KB of body each
const text = "😀".repeat(16_000);
const batch: NewEntry[] = Array.from({ length: 30 }, (_, i) => ({ id: `m-${i}`, conv, sender: "alice", clientId: `k${i}`, ts: i, body: { type: "text", text } }));
await store.messageLog.appendEntries(batch);
const bodyBytes = Buffer.byteLength(JSON.stringify({ type: "text", text }));
const seqs = (items: { seq: number }[]) => items.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test("forward pages: at most maxBytes of bodies each, hasMore until the end, no gap", async () => {
  const maxBytes = 5 * bodyBytes + 10; // five bodies fit, six do not
  const got: number[] = [];
  let after = 0;
  for (;;) {
    const page = await store.messageLog.history(conv, { after, limit: 200, maxBytes, ...all });
    expect(page.items.length).toBeLessThanOrEqual(5);
    got.push(...seqs(page.items));
    if (!page.hasMore) break;
    after = page.items.at(-1)!.seq;
  }
  expect(got).toEqual(range(1, 30));
});

test("a page always holds one message, even one larger than maxBytes", async () => {
  const page = await store.messageLog.history(conv, { after: 0, limit: 200, maxBytes: 1000, ...all });
  expect(seqs(page.items)).toEqual([1]);
  expect(page.hasMore).toBe(true);
  expect(page.items[0]!.body).toEqual({ type: "text", text });
});

test("backward pages (before, and the newest) are bounded the same way and ascending", async () => {
  const maxBytes = 3 * bodyBytes + 10;
  const newest = await store.messageLog.history(conv, { limit: 50, maxBytes, ...all });
  expect(seqs(newest.items)).toEqual([28, 29, 30]);
  expect(newest.hasMore).toBe(true);
  const before = await store.messageLog.history(conv, { before: 28, limit: 50, maxBytes, ...all });
  expect(seqs(before.items)).toEqual([25, 26, 27]);
  // the count limit still applies when bytes allow more
  expect(seqs((await store.messageLog.history(conv, { before: 5, limit: 2, maxBytes: 1 << 30, ...all })).items)).toEqual([3, 4]);
  const last = await store.messageLog.history(conv, { before: 3, limit: 50, maxBytes: 1 << 30, ...all });
  expect([seqs(last.items), last.hasMore]).toEqual([[1, 2], false]);
});
