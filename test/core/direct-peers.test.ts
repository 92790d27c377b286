// The direct conversations' pairs, cached for the send path, on a real embedded database: one
// read per conversation, dropped on a change between the two (on other nodes through the bus
// too), also when the change lands while a read is in flight, read again when old.
import { afterAll, expect, test } from "bun:test";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import { MemoryBus } from "../../src/bus/memory.ts";
import { directKey } from "../../src/core/conversations.ts";
import { DirectPeers, syncDirectPeers } from "../../src/core/direct-peers.ts";
import type { ContactStore } from "../../src/core/store/contacts.ts";
import { tempDataDir } from "../support/target.ts";
import { waitFor } from "../support/upstash.ts";

const data = tempDataDir();
const { store, client } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
afterAll(() => {
  client.close();
  data.remove();
});

for (const id of ["ann", "bob", "cat"]) await store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
await store.conversations.createDirect({ id: "ab", directKey: directKey("ann", "bob"), createdAt: 0 }, ["ann", "bob"]);
await store.conversations.createDirect({ id: "ac", directKey: directKey("ann", "cat"), createdAt: 0 }, ["ann", "cat"]);
await store.conversations.createGroup({ id: "g", title: "g", createdAt: 0 }, [
  { userId: "ann", role: "owner" },
  { userId: "bob", role: "member" },
]);

/** The store's directPeer reads, counted; `hold()` keeps the next one waiting until released. */
function counted() {
  const reads: string[] = [];
  let fail = false;
  let held: Promise<void> | null = null;
  const contacts: Pick<ContactStore, "directPeer"> = {
    async directPeer(userId, convId) {
      reads.push(convId);
      if (fail) {
        fail = false;
        throw new Error("store down");
      }
      const result = await store.contacts.directPeer(userId, convId);
      await held;
      return result;
    },
  };
  return {
    contacts,
    reads,
    failNext: () => void (fail = true),
    hold: () => {
      let release!: () => void;
      held = new Promise((r) => (release = r));
      return () => {
        held = null;
        release();
      };
    },
  };
}

test("one read per conversation, shared by concurrent callers; the other member from either side; not direct: null", async () => {
  const { contacts, reads } = counted();
  const peers = new DirectPeers(contacts);
  const [fromAnn, alsoFromAnn] = await Promise.all([peers.peer("ann", "ab"), peers.peer("ann", "ab")]);
  expect(fromAnn).toEqual({ other: "bob", blocked: false, friends: false });
  expect(alsoFromAnn).toEqual(fromAnn);
  expect(await peers.peer("bob", "ab")).toEqual({ other: "ann", blocked: false, friends: false });
  expect(await peers.peer("ann", "g")).toBeNull();
  expect(await peers.peer("bob", "g")).toBeNull();
  expect(reads).toEqual(["ab", "g"]);
});

test("forgetPair: the next call reads the change; other pairs stay", async () => {
  const { contacts, reads } = counted();
  const peers = new DirectPeers(contacts);
  await peers.peer("ann", "ab");
  await peers.peer("ann", "ac");
  await store.contacts.block("bob", "ann", 1);
  expect((await peers.peer("ann", "ab"))?.blocked).toBe(false); // cached: not seen yet
  peers.forgetPair("bob", "ann");
  expect(await peers.peer("ann", "ab")).toEqual({ other: "bob", blocked: true, friends: false });
  await store.contacts.unblock("bob", "ann");
  peers.forgetPair("ann", "bob");
  expect((await peers.peer("bob", "ab"))?.blocked).toBe(false);
  await peers.peer("cat", "ac");
  expect(reads).toEqual(["ab", "ac", "ab", "ab"]);
});

test("a change while a read is in flight: that read is not kept", async () => {
  const { contacts, reads, hold } = counted();
  const peers = new DirectPeers(contacts);
  const release = hold();
  const early = peers.peer("ann", "ac"); // reads "no block", then waits
  await waitFor(async () => reads.length === 1);
  await store.contacts.block("ann", "cat", 2);
  peers.forgetPair("ann", "cat"); // which pair "ac" is, the cache does not know yet
  release();
  expect((await early)?.blocked).toBe(false); // it raced the block
  expect((await peers.peer("cat", "ac"))?.blocked).toBe(true);
  expect(reads).toEqual(["ac", "ac"]);
  await store.contacts.unblock("ann", "cat");
});

test("an entry older than maxAgeMs is read again; a failed read is not kept", async () => {
  let now = 1_000;
  const { contacts, reads, failNext } = counted();
  const peers = new DirectPeers(contacts, { maxAgeMs: 500, now: () => now });
  await peers.peer("ann", "ab");
  now += 499;
  await peers.peer("ann", "ab");
  now += 1;
  await peers.peer("ann", "ab");
  failNext();
  await expect(peers.peer("ann", "ac")).rejects.toThrow("store down");
  expect(await peers.peer("ann", "ac")).not.toBeNull();
  expect(reads).toEqual(["ab", "ab", "ac", "ac"]);
});

test("syncDirectPeers: a change on one node drops the pair on every node", async () => {
  const bus = new MemoryBus(); // one process: both nodes on the same bus
  const nodes = await Promise.all(
    [0, 1].map(async () => {
      const peers = new DirectPeers(store.contacts);
      const sync = await syncDirectPeers(peers, bus, (error) => {
        throw error;
      });
      await peers.peer("ann", "ab");
      return { peers, sync };
    }),
  );
  await store.contacts.block("ann", "bob", 3);
  await nodes[0]!.sync.changed("ann", "bob");
  for (const { peers } of nodes) await waitFor(async () => (await peers.peer("bob", "ab"))?.blocked === true);
  for (const { sync } of nodes) sync.stop();
});
