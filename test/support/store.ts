// A real embedded libSQL store for the store's own tests: a temp DATA_DIR, removed after the file's
// tests, with two users (alice, bob) and their direct conversation.
import { afterAll } from "bun:test";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import { tempDataDir } from "./target.ts";

export async function testStore() {
  const data = tempDataDir();
  const { store, client } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  afterAll(() => {
    client.close();
    data.remove();
  });
  for (const id of ["alice", "bob"]) await store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
  const { id: conv } = await store.conversations.createDirect({ id: "c1", directKey: "alice:bob", createdAt: 0 }, ["alice", "bob"]);
  /** what a member who reads everything asks for */
  const all = { viewer: "alice", readable: { from: 1, to: null } };
  return { store, client, conv, all };
}
