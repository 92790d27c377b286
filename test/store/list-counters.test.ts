// The unread and mention counters an append moves (src/store/sql/list-counters.ts), on a real
// embedded store: content from others counts, a mention of the member or of all counts as one,
// whatever the batch mixes (self-mentions, repeats, files, members added or removed between).
import { expect, test } from "bun:test";
import type { EntryBody } from "../../src/schema/entries.ts";
import { testStore } from "../support/store.ts";

const { store } = await testStore();
for (const id of ["carol", "dave", "erin"]) await store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
const members = ["alice", "bob", "carol", "dave"];
await store.conversations.createGroup({ id: "g", title: "g", createdAt: 0 }, members.map((userId, i) => ({ userId, role: i === 0 ? "owner" : "member" })));

let n = 0;
const send = (entries: [string, object][]) =>
  store.messageLog.appendEntries(entries.map(([sender, body]) => ({ id: `e${++n}`, conv: "g", sender, clientId: `k${n}`, ts: n, body: body as EntryBody })));
const counters = async (user: string) => {
  const line = (await store.conversationList.list(user, {})).find((s) => s.id === "g");
  return line ? [line.unread, line.mentions] : null;
};

test("one batch: self-mentions, repeated mentions, all, files; then a member added and one removed", async () => {
  await send([
    ["alice", { type: "text", text: "1", mentions: ["bob"] }],
    ["bob", { type: "text", text: "2", mentions: ["bob", "alice"] }],
    ["carol", { type: "text", text: "3", mentions: ["all"] }],
    ["alice", { type: "text", text: "4", mentions: ["bob", "bob", "all"] }],
    ["dave", { type: "file", upload: "u1", name: "x.txt", size: 1, mime: "text/plain" }],
    ["alice", { type: "text", text: "6" }],
  ]);
  expect(await Promise.all(members.map(counters))).toEqual([
    [3, 2], // alice: 2, 3, 5; mentioned by 2 and 3
    [5, 3], // bob: 1, 3, 4, 5, 6; mentioned by 1, 3, 4 (not by its own 2)
    [5, 1], // carol: 1, 2, 4, 5, 6; by 4 (all)
    [5, 2], // dave: 1, 2, 3, 4, 6; by 3, 4
  ]);
  await send([["alice", { type: "members_added", users: ["erin"] }]]);
  await send([["alice", { type: "member_removed", user: "carol" }]]);
  await send([
    ["erin", { type: "text", text: "9", mentions: ["all"] }],
    ["bob", { type: "text", text: "10", mentions: ["erin", "carol"] }],
  ]);
  await send([["alice", { type: "reaction", target: 10, emoji: "👍", on: true }]]);
  expect(await Promise.all([...members, "erin"].map(counters))).toEqual([
    [5, 3], // alice: + 9, 10; by 9 (all)
    [6, 4], // bob: + 9; by 9
    [5, 1], // carol: removed before 9
    [7, 3], // dave: + 9, 10; by 9
    [1, 1], // erin: 10, by 10
  ]);
});
