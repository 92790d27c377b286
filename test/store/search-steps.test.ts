// The indexer's steps over the real libSQL store (src/store/sql/search.ts): SQLite indexes the
// texts of plain characters itself, this process prepares the others (CJK bigrams); a step with
// both, and with edits and recalls of entries in it and before it, finds each entry by its current
// text only. Two steps over the same entries at once (two processes on one file) index them once.
import { afterAll, expect, test } from "bun:test";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import { Search } from "../../src/core/search.ts";
import type { NewEntry } from "../../src/core/store/message-log.ts";
import { SearchQuery } from "../../src/schema/search.ts";
import { tempDataDir } from "../support/target.ts";

const data = tempDataDir();
afterAll(() => data.remove());

type Steps = { append(bodies: object[]): Promise<void>; step(limit?: number): Promise<string[]>; found(q: string): Promise<number[]> };

async function withStore(run: (s: Steps) => Promise<void>) {
  const { store, close } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  const conv = `g${Math.random()}`;
  let n = 0;
  try {
    await store.users.createUser({ id: "u", username: "u", displayName: "u", passwordHash: "x", createdAt: 0 }).catch(() => {});
    await store.conversations.createGroup({ id: conv, title: "g", createdAt: 0 }, [{ userId: "u", role: "owner" }]);
    const search = new Search(store.search);
    await run({
      // an action comes alone (as LogWriter appends it), content in one batch
      async append(bodies) {
        const entries = bodies.map((body) => ({ id: `${conv}-${++n}`, conv, sender: "u", clientId: `${conv}-${n}`, ts: 1000 + n, body }) as NewEntry);
        const content = entries.filter((e) => ["text", "file", "image"].includes(e.body.type));
        if (content.length > 0) await store.messageLog.appendEntries(content);
        for (const action of entries.filter((e) => !content.includes(e))) await store.messageLog.appendEntries([action]);
      },
      async step(limit = 500) {
        return (await store.search.catchUp([conv], limit)).more;
      },
      async found(q) {
        const { items } = await search.search("u", SearchQuery.parse({ q, conv }));
        return items.map((h) => h.message.seq).sort((a, b) => a - b);
      },
    });
  } finally {
    close();
  }
}

test("one step of plain texts (ASCII, accents, punctuation, emoji) and CJK ones, files and images: each found by its words", async () => {
  await withStore(async ({ append, step, found }) => {
    await append([
      { type: "text", text: "plain words alpha" },
      { type: "text", text: "你好世界 bravo" },
      { type: "text", text: "café naïve charlie ’quoted’ — fine…" },
      { type: "text", text: "emoji 😀👍🏽 delta" },
      { type: "text", text: "nul\u0000 echo 天气" },
      { type: "file", upload: "f1", caption: "会议 foxtrot", name: "report.pdf", size: 1, mime: "application/pdf" },
      { type: "image", upload: "f2", name: "photo golf.png", size: 1, mime: "image/png", width: 1, height: 1 },
      { type: "text", text: "한국어 hotel" },
      { type: "text", text: "カタカナ india" },
      { type: "file", upload: "f3", caption: "", name: "juliet.txt", size: 1, mime: "text/plain" },
    ]);
    expect(await step()).toEqual([]);
    const expected: [string, number[]][] = [
      ["alpha", [1]],
      ["你好", [2]],
      ["世界", [2]],
      ["bravo", [2]],
      ["cafe", [3]],
      ["naïve", [3]],
      ["quoted", [3]],
      ["delta", [4]],
      ["echo", [5]],
      ["天气", [5]],
      ["天", [5]],
      ["会议", [6]],
      ["foxtrot", [6]],
      ["report", [6]],
      ["golf", [7]],
      ["한국", [8]],
      ["hotel", [8]],
      ["カタ", [9]],
      ["india", [9]],
      ["juliet", [10]],
    ];
    for (const [q, seqs] of expected) expect([q, await found(q)]).toEqual([q, seqs]);
  });
});

test("edits and recalls in the step of their targets and in later steps: found by the current text only, recalled never", async () => {
  await withStore(async ({ append, step, found }) => {
    // 1-3 content; 4 edits 1 and 5 recalls 2, in the same step
    await append([
      { type: "text", text: "one original" },
      { type: "text", text: "two 原来" },
      { type: "text", text: "three keep" },
      { type: "edit", target: 1, text: "one edited 新的" },
      { type: "recall", target: 2 },
    ]);
    expect(await step()).toEqual([]);
    expect(await found("original")).toEqual([]);
    expect(await found("edited")).toEqual([1]);
    expect(await found("新的")).toEqual([1]);
    expect(await found("two")).toEqual([]);
    expect(await found("原来")).toEqual([]);
    expect(await found("three")).toEqual([3]);
    // targets indexed in an earlier step: 3 edited to a CJK text, 1 twice to plain ones
    await append([
      { type: "edit", target: 3, text: "three changed 变了" },
      { type: "edit", target: 1, text: "one again" },
      { type: "edit", target: 1, text: "one final" },
    ]);
    expect(await step()).toEqual([]);
    expect(await found("keep")).toEqual([]);
    expect(await found("变了")).toEqual([3]);
    expect(await found("changed")).toEqual([3]);
    expect(await found("edited")).toEqual([]);
    expect(await found("新的")).toEqual([]);
    expect(await found("final")).toEqual([1]);
    expect(await found("one")).toEqual([1]);
    await append([{ type: "recall", target: 3 }]);
    expect(await step()).toEqual([]);
    expect(await found("变了")).toEqual([]);
    expect(await found("three")).toEqual([]);
    expect(await found("final")).toEqual([1]);
  });
});

test("a step cut at its limit just before an edit of an entry indexed earlier: the next step applies the edit", async () => {
  await withStore(async ({ append, step, found }) => {
    await append([{ type: "text", text: "first 你好" }]);
    expect(await step()).toEqual([]);
    await append([{ type: "text", text: "second" }, { type: "edit", target: 1, text: "first 世界" }]);
    expect(await step(1)).toHaveLength(1);
    expect(await found("你好")).toEqual([1]);
    expect(await found("second")).toEqual([2]);
    expect(await step(1)).toEqual([]);
    expect(await found("你好")).toEqual([]);
    expect(await found("世界")).toEqual([1]);
    expect(await found("first")).toEqual([1]);
  });
});

test("two steps over the same entries at once (as two processes on one file would take them): each entry indexed once", async () => {
  const { store, close } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  try {
    await store.users.createUser({ id: "w", username: "w", displayName: "w", passwordHash: "x", createdAt: 0 });
    await store.conversations.createGroup({ id: "twice", title: "t", createdAt: 0 }, [{ userId: "w", role: "owner" }]);
    const texts = ["same word", "same 你好", "same again"];
    await store.messageLog.appendEntries(texts.map((text, i) => ({ id: `t${i}`, conv: "twice", sender: "w", clientId: `t${i}`, ts: 1 + i, body: { type: "text", text } })));
    await Promise.all([store.search.catchUp(["twice"], 500), store.search.catchUp(["twice"], 500)]);
    await store.messageLog.appendEntries([{ id: "t3", conv: "twice", sender: "w", clientId: "t3", ts: 4, body: { type: "text", text: "same later" } }]);
    await Promise.all([store.search.catchUp(["twice"], 500), store.search.catchUp(["twice"], 500)]);
    const { items } = await new Search(store.search).search("w", SearchQuery.parse({ q: "same" }));
    expect(items.map((h) => h.message.seq)).toEqual([4, 3, 2, 1]);
    expect((await new Search(store.search).search("w", SearchQuery.parse({ q: "你好" }))).items.map((h) => h.message.seq)).toEqual([2]);
  } finally {
    close();
  }
});
