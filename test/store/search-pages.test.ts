// Search pages over the real libSQL store (src/core/search.ts on src/store/sql/search.ts): a hit
// recalled after it was indexed (the index not caught up yet) is never shown, but it still ends a
// page like any other, so paging goes on past it to the older hits. And the indexer's steps over
// large entries: each stops at its bytes of bodies and the next goes on from there.
import { afterAll, expect, test } from "bun:test";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import { Search } from "../../src/core/search.ts";
import { SearchQuery } from "../../src/schema/search.ts";
import { tempDataDir } from "../support/target.ts";

const data = tempDataDir();
afterAll(() => data.remove());

test("a page ending on a hit recalled since it was indexed is not taken for the last page", async () => {
  const { store, close } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  try {
    await store.users.createUser({ id: "u", username: "u", displayName: "u", passwordHash: "x", createdAt: 0 });
    await store.conversations.createGroup({ id: "g", title: "g", createdAt: 0 }, [{ userId: "u", role: "owner" }]);
    for (let i = 1; i <= 5; i++) {
      await store.messageLog.appendEntries([{ id: `m${i}`, conv: "g", sender: "u", clientId: `c${i}`, ts: i * 1000, body: { type: "text", text: `hello ${i}` } }]);
    }
    await store.search.catchUp(["g"], 100);
    // recalled in the log; the index has not caught up with the recall
    await store.messageLog.appendEntries([{ id: "r", conv: "g", sender: "u", clientId: "r", ts: 6000, body: { type: "recall", target: 3 } }]);

    const search = new Search(store.search);
    const first = await search.search("u", SearchQuery.parse({ q: "hello", limit: 3 }));
    expect(first.items.map((h) => h.message.seq)).toEqual([5, 4]);
    expect(first.nextCursor).not.toBeNull();
    const second = await search.search("u", SearchQuery.parse({ q: "hello", limit: 3, cursor: first.nextCursor }));
    expect(second.items.map((h) => h.message.seq)).toEqual([2, 1]);
    expect(second.nextCursor).toBeNull();
  } finally {
    close();
  }
});

test("a step of the indexer stops at its bytes of bodies: large entries are indexed over several steps, none skipped", async () => {
  const { store, close } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  try {
    await store.users.createUser({ id: "v", username: "v", displayName: "v", passwordHash: "x", createdAt: 0 });
    await store.conversations.createGroup({ id: "big", title: "big", createdAt: 0 }, [{ userId: "v", role: "owner" }]);
    // 60 entries of 10,000 characters (600 KB) and a small one: more than one step's 256 KB
    const texts = [...Array.from({ length: 60 }, (_, i) => `large${i} ${"x".repeat(10_000)}`), "small"];
    await store.messageLog.appendEntries(texts.map((text, i) => ({ id: `b${i}`, conv: "big", sender: "v", clientId: `b${i}`, ts: i, body: { type: "text", text } })));
    let steps = 1;
    while ((await store.search.catchUp(["big"], 500)).more.length > 0) steps++;
    expect(steps).toBe(3);
    const search = new Search(store.search);
    for (const [i, word] of [...Array.from({ length: 60 }, (_, i) => `large${i}`), "small"].entries()) {
      const { items } = await search.search("v", SearchQuery.parse({ q: word }));
      expect(items.map((h) => h.message.seq)).toEqual([i + 1]);
    }
  } finally {
    close();
  }
});
