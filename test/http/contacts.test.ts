// PROTOCOL.md "Contacts": friend requests (the crosswise one accepted instead of duplicated),
// friends, blocks and what a block forbids (both ways), DIRECT_MESSAGES=friends, bad input, the
// cap on pending requests and the pages of every list.
import { describe, expect, test } from "bun:test";
import { directConversation, expectError, group, registerMany, sendText, type Res, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";

const MAX_PENDING = 3;
const users = (n: number, url: string) => registerMany(url, n) as Promise<TestUser[]>;
const asUser = ({ id, username, displayName }: TestUser) => ({ id, username, displayName });
const ask = (from: TestUser, to: TestUser, note?: string) => from.api.post("/v1/friends/requests", { to: to.id, ...(note === undefined ? {} : { note }) });
const pendingOf = async (u: TestUser, direction: "in" | "out") => (await u.api.get(`/v1/friends/requests?direction=${direction}`)).body.items;
const friendIds = async (u: TestUser) => (await u.api.get("/v1/friends")).body.items.map((f: { user: { id: string } }) => f.user.id);
async function befriend(a: TestUser, b: TestUser): Promise<void> {
  const req = await ask(a, b);
  expect(req.status).toBe(201);
  expect((await b.api.post(`/v1/friends/requests/${req.body.id}/accept`)).status).toBe(200);
}
/** Follows nextCursor from the first page of `path` to the last. */
async function allPages(u: TestUser, path: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res: Res = await u.api.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

for (const kind of targetKinds()) {
  describe(`contacts [${kind}]`, () => {
    const server = useTarget(kind, { MAX_PENDING_FRIEND_REQUESTS: String(MAX_PENDING) });

    test("a request: 201, asking again 200 with the same one, listed on both sides; accepting makes both friends", async () => {
      const [a, b] = (await users(2, server.url)) as [TestUser, TestUser];
      const before = Date.now();
      const res = await ask(a, b, "hi, it's Ann 👋");
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(["createdAt", "from", "id", "note", "status", "to"]);
      expect(res.body).toMatchObject({ from: a.id, to: b.id, note: "hi, it's Ann 👋", status: "pending" });
      expect(res.body.createdAt).toBeGreaterThanOrEqual(before - 1000);
      const again = await ask(a, b, "another note");
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
      expect((await ask(a, b)).body.note).toBe("hi, it's Ann 👋");

      expect(await pendingOf(a, "out")).toEqual([res.body]);
      expect(await pendingOf(b, "in")).toEqual([res.body]);
      expect((await b.api.get("/v1/friends/requests")).body).toEqual({ items: [res.body], nextCursor: null }); // `in` by default
      expect(await pendingOf(a, "in")).toEqual([]);
      expect(await pendingOf(b, "out")).toEqual([]);

      const accepted = await b.api.post(`/v1/friends/requests/${res.body.id}/accept`);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({ ...res.body, status: "accepted" });
      expect((await b.api.post(`/v1/friends/requests/${res.body.id}/accept`)).body).toEqual(accepted.body); // a repeat
      const friendsOfA = await a.api.get("/v1/friends");
      expect(friendsOfA.body.nextCursor).toBeNull();
      expect(friendsOfA.body.items).toEqual([{ user: asUser(b), since: expect.any(Number) }]);
      expect(friendsOfA.body.items[0].since).toBeGreaterThanOrEqual(res.body.createdAt);
      expect((await b.api.get("/v1/friends")).body.items).toEqual([{ user: asUser(a), since: friendsOfA.body.items[0].since }]);
      for (const [u, dir] of [[a, "out"], [b, "in"]] as const) expect(await pendingOf(u, dir)).toEqual([]);

      expectError(await ask(a, b), 409, "already_friends");
      expectError(await ask(b, a), 409, "already_friends");
    });

    test("a crosswise request accepts the one it crosses, also when both are sent at once", async () => {
      const [a, b] = (await users(2, server.url)) as [TestUser, TestUser];
      const first = await ask(a, b, "hello");
      const crosswise = await ask(b, a, "hello to you");
      expect(crosswise.status).toBe(200);
      expect(crosswise.body).toEqual({ ...first.body, status: "accepted" });
      expect(await friendIds(a)).toEqual([b.id]);
      expect(await friendIds(b)).toEqual([a.id]);
      for (const u of [a, b]) for (const dir of ["in", "out"] as const) expect(await pendingOf(u, dir)).toEqual([]);

      // both at once, for several pairs side by side: one request, made by one and accepted by the other
      const pairs = await Promise.all(Array.from({ length: 8 }, () => users(2, server.url)));
      await Promise.all(
        pairs.map(async ([c, d]) => {
          const [x, y] = await Promise.all([ask(c!, d!), ask(d!, c!)]);
          expect([x.status, y.status].sort()).toEqual([200, 201]);
          expect(x.body.id).toBe(y.body.id);
          expect(await friendIds(c!)).toEqual([d!.id]);
          expect(await friendIds(d!)).toEqual([c!.id]);
          for (const u of [c!, d!]) for (const dir of ["in", "out"] as const) expect(await pendingOf(u, dir)).toEqual([]);
        }),
      );
    });

    test("reject and cancel: only by the right side, only while pending, repeats answer the same; strangers get 404", async () => {
      const [a, b, stranger] = (await users(3, server.url)) as [TestUser, TestUser, TestUser];
      const req = (await ask(a, b)).body;
      const answer = (u: TestUser, id: string, action: string) => u.api.post(`/v1/friends/requests/${id}/${action}`);
      expectError(await answer(a, req.id, "accept"), 403, "forbidden"); // one's own request
      expectError(await answer(a, req.id, "reject"), 403, "forbidden");
      expectError(await answer(b, req.id, "cancel"), 403, "forbidden"); // someone else's
      for (const action of ["accept", "reject", "cancel"]) {
        expectError(await answer(stranger, req.id, action), 404, "not_found");
        expectError(await answer(b, crypto.randomUUID(), action), 404, "not_found");
      }
      expect(await pendingOf(b, "in")).toEqual([req]); // none of that changed it

      const rejected = await answer(b, req.id, "reject");
      expect(rejected.status).toBe(200);
      expect(rejected.body).toEqual({ ...req, status: "rejected" });
      expect((await answer(b, req.id, "reject")).body).toEqual(rejected.body);
      const late = await answer(b, req.id, "accept");
      expectError(late, 403, "forbidden");
      expect(late.body.error.details).toEqual({ status: "rejected" });
      expectError(await answer(a, req.id, "cancel"), 403, "forbidden");
      expect(await friendIds(a)).toEqual([]);
      expect(await pendingOf(b, "in")).toEqual([]);

      // asking again after a refusal: a new request, which the sender takes back
      const second = await ask(a, b);
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(req.id);
      const cancelled = await answer(a, second.body.id, "cancel");
      expect(cancelled.body).toEqual({ ...second.body, status: "cancelled" });
      expectError(await answer(b, second.body.id, "accept"), 403, "forbidden");
      expect(await pendingOf(b, "in")).toEqual([]);
      expect(await friendIds(b)).toEqual([]);
    });

    test("bad input: clear 4xx, nothing stored", async () => {
      const [a, b] = (await users(2, server.url)) as [TestUser, TestUser];
      expectError(await ask(a, a), 400, "invalid_request");
      const unknown = await a.api.post("/v1/friends/requests", { to: crypto.randomUUID() });
      expectError(unknown, 400, "invalid_request");
      expect(unknown.body.error.details).toEqual([{ field: "to", message: "no such user" }]);
      expectError(await a.api.post("/v1/friends/requests", {}), 400, "invalid_request");
      expectError(await a.api.post("/v1/friends/requests", { to: "x".repeat(65) }), 400, "invalid_request");
      expectError(await ask(a, b, ""), 400, "invalid_request");
      const long = await ask(a, b, "n".repeat(501));
      expectError(long, 400, "invalid_request");
      expect(long.body.error.details[0].field).toBe("note");
      for (const query of ["direction=sideways", "limit=0", "limit=101", "limit=x", "cursor=nonsense", "cursor=1.2.3"]) {
        expectError(await a.api.get(`/v1/friends/requests?${query}`), 400, "invalid_request");
      }
      for (const path of ["/v1/friends", "/v1/blocks"]) expectError(await a.api.get(`${path}?limit=101`), 400, "invalid_request");
      expectError(await a.api.delete(`/v1/friends/${b.id}`), 404, "not_found"); // not friends
      expectError(await a.api.delete(`/v1/friends/${crypto.randomUUID()}`), 404, "not_found");
      expectError(await a.api.put(`/v1/blocks/${a.id}`), 400, "invalid_request");
      expectError(await a.api.put(`/v1/blocks/${crypto.randomUUID()}`), 404, "not_found");
      expectError(await a.api.delete(`/v1/blocks/${b.id}`), 404, "not_found"); // not blocked
      for (const path of ["/v1/friends/requests", "/v1/friends", "/v1/blocks"]) expectError(await b.api.get(path, undefined, { token: "bad" }), 401, "unauthorized");

      for (const u of [a, b]) {
        for (const dir of ["in", "out"] as const) expect(await pendingOf(u, dir)).toEqual([]);
        expect((await u.api.get("/v1/friends")).body.items).toEqual([]);
        expect((await u.api.get("/v1/blocks")).body.items).toEqual([]);
      }
      // 500 characters, counted as code points, are fine
      expect((await ask(a, b, "😀".repeat(500))).status).toBe(201);
    });

    test(`at most ${MAX_PENDING} pending requests per sender; a repeat or a crosswise request still answers`, async () => {
      const [a, ...others] = (await users(MAX_PENDING + 3, server.url)) as TestUser[];
      const sent = [];
      for (const o of others.slice(0, MAX_PENDING)) {
        const res = await ask(a!, o);
        expect(res.status).toBe(201);
        sent.push(res.body);
      }
      const over = await ask(a!, others[MAX_PENDING]!);
      expectError(over, 403, "forbidden");
      expect(over.body.error.details).toEqual({ maxPending: MAX_PENDING });
      expect(await pendingOf(others[MAX_PENDING]!, "in")).toEqual([]);
      expect((await ask(a!, others[0]!)).status).toBe(200); // the pending one, again
      // someone who asked a is accepted, cap or not
      expect((await ask(others[MAX_PENDING + 1]!, a!)).status).toBe(201);
      expect((await ask(a!, others[MAX_PENDING + 1]!)).body.status).toBe("accepted");
      // once one is answered there is room again
      expect((await others[0]!.api.post(`/v1/friends/requests/${sent[0].id}/reject`)).status).toBe(200);
      expect((await ask(a!, others[MAX_PENDING]!)).status).toBe(201);
      expect(await pendingOf(a!, "out")).toHaveLength(MAX_PENDING);
    });

    test("every list comes in pages, newest first, each item once", async () => {
      const [a, ...others] = (await users(6, server.url)) as TestUser[];
      const requests = [];
      for (const o of others) requests.push((await ask(o, a!)).body);
      const incoming = await allPages(a!, "/v1/friends/requests?direction=in", 2);
      expect(incoming.pages).toBe(3);
      expect(incoming.items).toEqual([...requests].sort((x, y) => y.createdAt - x.createdAt || (y.id < x.id ? -1 : 1)));

      for (const r of requests) expect((await a!.api.post(`/v1/friends/requests/${r.id}/accept`)).status).toBe(200);
      const friends = await allPages(a!, "/v1/friends", 2);
      expect(friends.pages).toBe(3);
      expect(friends.items.map((f) => f.user.id).sort()).toEqual(others.map((o) => o.id).sort());
      expect(friends.items.map((f) => f.since)).toEqual(friends.items.map((f) => f.since).sort((x, y) => y - x));

      for (const o of others) expect((await a!.api.put(`/v1/blocks/${o.id}`)).status).toBe(201);
      const blocked = await allPages(a!, "/v1/blocks", 5);
      expect(blocked.pages).toBe(1);
      expect(blocked.items.map((f) => f.user.id).sort()).toEqual(others.map((o) => o.id).sort());
      expect((await allPages(a!, "/v1/blocks", 1)).items).toEqual(blocked.items);
    });

    test("unfriending ends it for both; doing it again is 404", async () => {
      const [a, b] = (await users(2, server.url)) as [TestUser, TestUser];
      await befriend(a, b);
      const res = await a.api.delete(`/v1/friends/${b.id}`);
      expect(res.status).toBe(204);
      expect(await friendIds(a)).toEqual([]);
      expect(await friendIds(b)).toEqual([]);
      expectError(await a.api.delete(`/v1/friends/${b.id}`), 404, "not_found");
      expectError(await b.api.delete(`/v1/friends/${a.id}`), 404, "not_found");
      expect((await ask(b, a)).status).toBe(201); // and they may start again
    });

    test("blocks: PUT 201 then 200, listed; blocking ends the friendship and closes the requests between them; DELETE lifts it", async () => {
      const [a, b, c, d] = (await users(4, server.url)) as [TestUser, TestUser, TestUser, TestUser];
      await befriend(a, b);
      const fromC = (await ask(c, a)).body;
      const toD = (await ask(a, d)).body;

      const blocked = await a.api.put(`/v1/blocks/${b.id}`);
      expect(blocked.status).toBe(201);
      expect(blocked.body).toEqual({ user: asUser(b), since: expect.any(Number) });
      const again = await a.api.put(`/v1/blocks/${b.id}`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(blocked.body);
      expect(await friendIds(a)).toEqual([]);
      expect(await friendIds(b)).toEqual([]);

      expect((await a.api.put(`/v1/blocks/${c.id}`)).status).toBe(201); // c's request to a: rejected
      expect((await a.api.put(`/v1/blocks/${d.id}`)).status).toBe(201); // a's request to d: cancelled
      for (const u of [a, c, d]) for (const dir of ["in", "out"] as const) expect(await pendingOf(u, dir)).toEqual([]);
      expectError(await a.api.post(`/v1/friends/requests/${fromC.id}/accept`), 403, "forbidden");
      expect((await d.api.post(`/v1/friends/requests/${toD.id}/cancel`)).status).toBe(403);

      const list = (await a.api.get("/v1/blocks")).body;
      expect(list.items.map((x: { user: { id: string } }) => x.user.id).sort()).toEqual([b.id, c.id, d.id].sort());
      expect(list.items.find((x: { user: { id: string } }) => x.user.id === b.id)).toEqual(blocked.body);
      expect((await b.api.get("/v1/blocks")).body.items).toEqual([]); // a block is the blocker's

      expect((await b.api.delete(`/v1/blocks/${a.id}`)).status).toBe(404); // only the blocker lifts it
      expect((await a.api.delete(`/v1/blocks/${b.id}`)).status).toBe(204);
      expectError(await a.api.delete(`/v1/blocks/${b.id}`), 404, "not_found");
      expect((await a.api.get("/v1/blocks")).body.items).toHaveLength(2);
    });

    test("a block works both ways: friend requests, opening and sending in their direct conversation, presence; not their groups", async () => {
      const [a, b] = (await users(2, server.url)) as [TestUser, TestUser];
      const direct = await directConversation(a, b);
      const shared = await group(a, [b]);
      await sendText(b, direct, "before the block");
      const presenceSeen = async (viewer: TestUser, other: TestUser) => (await viewer.api.get(`/v1/presence?users=${other.id}`)).body.items.length;
      expect([await presenceSeen(a, b), await presenceSeen(b, a)]).toEqual([1, 1]);

      expect((await a.api.put(`/v1/blocks/${b.id}`)).status).toBe(201);
      for (const [x, y] of [[b, a], [a, b]] as const) {
        expectError(await ask(x, y), 403, "blocked");
        expectError(await x.api.post("/v1/conversations", { kind: "direct", with: y.id }), 403, "blocked");
        expectError(await x.api.post(`/v1/conversations/${direct}/messages`, { clientId: crypto.randomUUID(), body: { type: "text", text: "hey" } }), 403, "blocked");
        expect(await presenceSeen(x, y)).toBe(0);
        // what was said stays readable; the group goes on
        expect((await x.api.get(`/v1/conversations/${direct}/messages`)).body.items.map((m: { body: { text: string } }) => m.body.text)).toEqual(["before the block"]);
        await sendText(x, shared, "in the group");
      }
      for (const u of [a, b]) expect(await pendingOf(u, "in")).toEqual([]);
      expect((await a.api.get(`/v1/conversations/${direct}`)).body.lastSeq).toBe(1);

      expect((await a.api.delete(`/v1/blocks/${b.id}`)).status).toBe(204);
      await sendText(b, direct, "after the block");
      expect((await b.api.post("/v1/conversations", { kind: "direct", with: a.id })).body.id).toBe(direct);
      expect([await presenceSeen(a, b), await presenceSeen(b, a)]).toEqual([1, 1]);
      expect((await ask(b, a)).status).toBe(201);
    });
  });

  describe(`DIRECT_MESSAGES=friends [${kind}]`, () => {
    const server = useTarget(kind, { DIRECT_MESSAGES: "friends" });

    test("direct conversations only between friends (forbidden otherwise); groups as usual", async () => {
      const [a, b] = (await users(2, server.url)) as [TestUser, TestUser];
      const refused = await a.api.post("/v1/conversations", { kind: "direct", with: b.id });
      expectError(refused, 403, "forbidden");
      expect(refused.body.error.message).toContain("friends");
      expect((await a.api.get("/v1/conversations")).body.items).toEqual([]);
      await sendText(b, await group(a, [b]), "groups need no friendship");

      await befriend(a, b);
      const direct = await directConversation(b, a);
      await sendText(a, direct, "now we are friends");
      expect((await a.api.delete(`/v1/friends/${b.id}`)).status).toBe(204);
      for (const [x, y] of [[a, b], [b, a]] as const) {
        expectError(await x.api.post(`/v1/conversations/${direct}/messages`, { clientId: crypto.randomUUID(), body: { type: "text", text: "hi" } }), 403, "forbidden");
        expectError(await x.api.post("/v1/conversations", { kind: "direct", with: y.id }), 403, "forbidden");
      }
      expect((await a.api.get(`/v1/conversations/${direct}`)).body.lastSeq).toBe(1);
    });
  });
}
