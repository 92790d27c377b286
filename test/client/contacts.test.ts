// The SDK's contacts: the typed HTTP methods and the `contact` event, against a real server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ParleyError, type ParleyClient, type ParleyEvents } from "../../src/client/index.ts";
import { registerMany, type TestUser } from "../support/api.ts";
import { startTarget, type Target } from "../support/target.ts";
import { clientFor, text, waitUntil, within } from "./helpers.ts";

let target: Target;
const clients: ParleyClient[] = [];
beforeAll(async () => {
  target = await startTarget("bun");
});
afterAll(async () => {
  for (const c of clients) c.close();
  await target?.stop();
});

test("requests, friends, blocks over HTTP; `contact` events on the other side's client", async () => {
  const [alice, bob] = (await registerMany(target.url, 2)) as [TestUser, TestUser];
  const a = clientFor(target.url, alice);
  const b = clientFor(target.url, bob);
  clients.push(a, b);
  const seenByBob: ParleyEvents["contact"][] = [];
  b.on("contact", (c) => seenByBob.push(c));
  await within(b.connect(), "bob connected");

  const request = await a.api.sendFriendRequest({ to: bob.id, note: "hi Bob" });
  expect(request).toMatchObject({ from: alice.id, to: bob.id, note: "hi Bob", status: "pending" });
  expect(await b.api.friendRequests("in")).toEqual({ items: [request], nextCursor: null });
  expect((await a.api.friendRequests("out", { limit: 1 })).items).toEqual([request]);
  expect((await b.api.acceptFriendRequest(request.id)).status).toBe("accepted");
  expect((await a.api.friends()).items.map((f) => f.user.id)).toEqual([bob.id]);
  await waitUntil(() => seenByBob.length === 2, "request and accepted");
  expect(seenByBob.map((c) => [c.event, c.by])).toEqual([
    ["request", alice.id],
    ["accepted", bob.id],
  ]);

  const conv = await a.api.createConversation({ kind: "direct", with: bob.id });
  expect((await b.api.block(alice.id)).user.id).toBe(alice.id);
  expect((await b.api.blocks()).items.map((x) => x.user.id)).toEqual([alice.id]);
  const refused = await a.api.send(conv.id, text("still there?")).catch((e) => e);
  expect(refused).toBeInstanceOf(ParleyError);
  expect(refused).toMatchObject({ code: "blocked", status: 403 });
  expect((await a.api.friends()).items).toEqual([]); // the block ended the friendship
  await b.api.unblock(alice.id);
  expect((await a.api.send(conv.id, text("hello again"))).seq).toBe(1);
  await a.api.sendFriendRequest({ to: bob.id }).then((r) => a.api.cancelFriendRequest(r.id));
  const again = await b.api.sendFriendRequest({ to: alice.id });
  expect((await a.api.rejectFriendRequest(again.id)).status).toBe("rejected");
  await waitUntil(() => seenByBob.some((c) => c.event === "rejected"), "rejected");
  expect(seenByBob.map((c) => c.event)).toEqual(["request", "accepted", "blocked", "unfriended", "unblocked", "request", "cancelled", "request", "rejected"]);
  await expect(a.api.unfriend(bob.id)).rejects.toMatchObject({ code: "not_found", status: 404 });
});
