// The rosters' cache on a real embedded database: one read per conversation, dropped on a
// membership change (here, on another node through the bus too), read again when old.
import { afterAll, expect, test } from "bun:test";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import { MemoryBus } from "../../src/bus/memory.ts";
import { Conversations } from "../../src/core/conversations.ts";
import { RosterCache, syncRosterCache } from "../../src/core/roster-cache.ts";
import { systemClock } from "../../src/core/ports.ts";
import type { ConversationStore } from "../../src/core/store/conversations.ts";
import { tempDataDir } from "../support/target.ts";
import { waitFor } from "../support/upstash.ts";

const data = tempDataDir();
const { store, client } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
afterAll(() => {
  client.close();
  data.remove();
});

for (const id of ["ann", "bob", "cat"]) await store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
for (const id of ["g1", "g2", "g3"]) await store.conversations.createGroup({ id, title: id, createdAt: 0 }, [{ userId: "ann", role: "owner" }]);

/** Stands for a feature that adds a member: written behind the cache's back. */
const addMember = (conv: string, user: string) =>
  client.execute({ sql: "INSERT INTO members (conv_id, user_id, role, joined_at) VALUES (?, ?, 'member', 0)", args: [conv, user] });
const removeMember = (conv: string, user: string) => client.execute({ sql: "DELETE FROM members WHERE conv_id = ? AND user_id = ?", args: [conv, user] });

/** The store's conversation reads, counted. */
function counted(): { store: ConversationStore; reads: string[]; failNext(): void } {
  const reads: string[] = [];
  let fail = false;
  const conversations: ConversationStore = Object.create(store.conversations);
  conversations.roster = async (id) => {
    reads.push(id);
    if (fail) {
      fail = false;
      throw new Error("store down");
    }
    return store.conversations.roster(id);
  };
  return { store: conversations, reads, failNext: () => void (fail = true) };
}

const ids = async (cache: RosterCache, conv: string) => [...((await cache.roster(conv))?.members.keys() ?? [])].sort();

test("one store read per conversation, shared by concurrent callers; roles as stored", async () => {
  const { store: conversations, reads } = counted();
  const cache = new RosterCache(conversations);
  const [a, b] = await Promise.all([cache.roster("g1"), cache.roster("g1")]);
  expect(a).toBe(b);
  expect((await cache.roster("g1"))!.members).toEqual(new Map([["ann", { role: "owner", joinedSeq: 0, mutedUntil: null }]]));
  expect(await cache.roster("nope")).toBeNull();
  expect(reads).toEqual(["g1", "nope"]);
});

test("invalidate: the next call reads the change", async () => {
  const { store: conversations, reads } = counted();
  const cache = new RosterCache(conversations);
  expect(await ids(cache, "g2")).toEqual(["ann"]);
  await addMember("g2", "bob");
  expect(await ids(cache, "g2")).toEqual(["ann"]); // cached: the change is not seen yet
  cache.invalidate("g2");
  expect(await ids(cache, "g2")).toEqual(["ann", "bob"]);
  expect(reads).toEqual(["g2", "g2"]);
});

test("a list older than maxAgeMs is read again (a lost notice stays stale no longer)", async () => {
  let now = 1_000;
  const { store: conversations, reads } = counted();
  const cache = new RosterCache(conversations, { maxAgeMs: 500, now: () => now });
  await cache.roster("g1");
  now += 499;
  await cache.roster("g1");
  now += 1;
  await cache.roster("g1");
  expect(reads).toEqual(["g1", "g1"]);
});

test("maxEntries: the oldest list makes room; a failed read is not kept", async () => {
  const { store: conversations, reads, failNext } = counted();
  const cache = new RosterCache(conversations, { maxEntries: 2 });
  for (const conv of ["g1", "g2", "g3", "g2", "g3", "g1"]) await cache.roster(conv);
  expect(reads).toEqual(["g1", "g2", "g3", "g1"]);
  failNext();
  await expect(cache.roster("g4")).rejects.toThrow("store down");
  expect(await cache.roster("g4")).toBeNull();
  expect(reads.slice(4)).toEqual(["g4", "g4"]);
});

test("membersChanged on one node drops the list on that node at once and on the others through the bus", async () => {
  const bus = new MemoryBus(); // one process: both nodes on the same bus
  const nodes = await Promise.all(
    [0, 1].map(async () => {
      const cache = new RosterCache(store.conversations);
      const sync = await syncRosterCache(cache, bus, (error) => {
        throw error;
      });
      const conversations = new Conversations({
        conversations: store.conversations,
        users: store.users,
        receipts: store.receipts,
        messageLog: store.messageLog,
        rosters: cache,
        contacts: { requireDirectAllowed: async () => {} }, // no direct conversations here
        clock: systemClock,
        onMembersChanged: (conv) => sync.changed(conv),
      });
      return { cache, sync, conversations };
    }),
  );
  const [here, there] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  expect(await ids(here.cache, "g3")).toEqual(["ann"]);
  expect(await ids(there.cache, "g3")).toEqual(["ann"]);

  await addMember("g3", "cat");
  const told = here.conversations.membersChanged("g3");
  expect(await ids(here.cache, "g3")).toEqual(["ann", "cat"]); // this node: at once
  await told;
  await waitFor(async () => (await ids(there.cache, "g3")).includes("cat"));

  // and a member removed is no member on the other node either
  await removeMember("g3", "cat");
  await here.conversations.membersChanged("g3");
  await waitFor(async () => !(await ids(there.cache, "g3")).includes("cat"));
  expect((await there.conversations.roster("g3"))!.members.has("cat")).toBe(false);
  for (const node of nodes) node.sync.stop();
  expect(bus.subscribers("members")).toBe(0);
});
