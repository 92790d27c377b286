// A step of the indexer while an edit commits between the step's read and its write (the same
// process: the indexer and the sends share the thread and the connection).
import { afterAll, expect, test } from "bun:test";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import { Search } from "../../src/core/search.ts";
import { SearchQuery } from "../../src/schema/search.ts";
import { tempDataDir } from "../support/target.ts";

const data = tempDataDir();
afterAll(() => data.remove());

/** For each interleaving (k turns after the step began, the edit is sent): what the step did. */
async function raced(from: string, to: string): Promise<{ failed: number[]; unfound: number[]; healed: boolean }> {
  const { store, close } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  const search = new Search(store.search);
  const failed: number[] = [];
  const unfound: number[] = [];
  let healed = true;
  try {
    await store.users.createUser({ id: "u", username: "u", displayName: "u", passwordHash: "x", createdAt: 0 }).catch(() => {});
    for (let k = 0; k < 60; k++) {
      const conv = `c${Math.random()}`;
      await store.conversations.createGroup({ id: conv, title: "g", createdAt: 0 }, [{ userId: "u", role: "owner" }]);
      await store.messageLog.appendEntries([{ id: `${conv}-1`, conv, sender: "u", clientId: `${conv}-1`, ts: 1, body: { type: "text", text: from } }]);
      const step = store.search.catchUp([conv], 500);
      for (let i = 0; i < k; i++) await null;
      const edit = store.messageLog.appendEntries([{ id: `${conv}-2`, conv, sender: "u", clientId: `${conv}-2`, ts: 2, body: { type: "edit", target: 1, text: to } }]);
      const [stepped] = await Promise.allSettled([step, edit]);
      if (stepped.status === "rejected") failed.push(k);
      // after the one step: the entry is found by its text before or after the edit
      const words = [...from.split(" "), ...to.split(" ")];
      let found = false;
      for (const q of words) if ((await search.search("u", SearchQuery.parse({ q, conv }))).items.length > 0) found = true;
      if (!found && stepped.status === "fulfilled") unfound.push(k);
      // the next step has the edit: found by its text
      await store.search.catchUp([conv], 500);
      if ((await search.search("u", SearchQuery.parse({ q: to.split(" ").at(-1)!, conv }))).items.length !== 1) healed = false;
    }
  } finally {
    close();
  }
  return { failed, unfound, healed };
}

test("an edit from a CJK text to a plain one committed during a step: the step does not fail", async () => {
  const { failed, healed } = await raced("race 你好", "race plain");
  expect(failed).toEqual([]);
  expect(healed).toBe(true);
});

// Known: the entry has no words from that step until the next one (the one with the edit, which
// its commit asks for): the step's read found the text plain, its write found it not plain.
test("an edit from a plain text to a CJK one committed during a step: the next step finds the entry by its new text", async () => {
  const { failed, healed } = await raced("alpha bravo", "变了 charlie");
  expect(failed).toEqual([]);
  expect(healed).toBe(true);
});
