// PROTOCOL.md "Conversations": direct (one per pair, race-free), groups with an owner, the list
// ordered by activity with read state, lookup, and that non-members see nothing.
import { describe, expect, test } from "bun:test";
import { call, directConversation, expectError, group, register, registerMany, sendText, sleep, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";

for (const kind of targetKinds()) {
  describe(`conversations [${kind}]`, () => {
    const server = useTarget(kind);

    describe("direct", () => {
      test("201 with the conversation object, then 200 with the same one from either side", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const before = Date.now();
        const res = await a!.api.post("/v1/conversations", { kind: "direct", with: b!.id });
        expect(res.status).toBe(201);
        expect(Object.keys(res.body).sort()).toEqual(
          ["avatar", "createdAt", "dissolved", "history", "id", "kind", "lastSeq", "members", "onlyAdminsSend", "title", "topic"],
        );
        expect(res.body).toMatchObject({ kind: "direct", title: null, lastSeq: 0 });
        expect(typeof res.body.id).toBe("string");
        expect(res.body.createdAt).toBeGreaterThanOrEqual(before - 1000);
        expect(res.body.createdAt).toBeLessThanOrEqual(Date.now() + 1000);
        const members = [...res.body.members].sort((x: { userId: string }, y: { userId: string }) => x.userId.localeCompare(y.userId));
        expect(members.map((m: { userId: string }) => m.userId)).toEqual([a!.id, b!.id].sort());
        for (const m of members) expect(Object.keys(m).sort()).toEqual(["mutedUntil", "role", "userId"]);

        const again = await a!.api.post("/v1/conversations", { kind: "direct", with: b!.id });
        expect(again.status).toBe(200);
        expect(again.body.id).toBe(res.body.id);
        const reverse = await b!.api.post("/v1/conversations", { kind: "direct", with: a!.id });
        expect(reverse.status).toBe(200);
        expect(reverse.body).toEqual(res.body);
      });

      test("a race from both sides ends in exactly one conversation and one 201", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            i % 2 === 0
              ? a!.api.post("/v1/conversations", { kind: "direct", with: b!.id })
              : b!.api.post("/v1/conversations", { kind: "direct", with: a!.id }),
          ),
        );
        expect(results.filter((r) => r.status === 201)).toHaveLength(1);
        expect(results.filter((r) => r.status === 200)).toHaveLength(19);
        expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
        for (const r of results) expect(r.body.members).toHaveLength(2);
        // and each of them lists it once
        for (const u of [a!, b!]) expect((await u.api.get("/v1/conversations")).body.items).toHaveLength(1);
      });

      test("with oneself, with an unknown user, or without `with`: 400", async () => {
        const a = await register(server.url);
        expectError(await a.api.post("/v1/conversations", { kind: "direct", with: a.id }), 400, "invalid_request");
        expectError(await a.api.post("/v1/conversations", { kind: "direct", with: crypto.randomUUID() }), 400, "invalid_request");
        expectError(await a.api.post("/v1/conversations", { kind: "direct" }), 400, "invalid_request");
        expect((await a.api.get("/v1/conversations")).body.items).toEqual([]);
      });
    });

    describe("group", () => {
      test("201; the creator is the owner, the others members; duplicates and the creator in `members` count once", async () => {
        const [owner, m1, m2] = await registerMany(server.url, 3);
        const res = await owner!.api.post("/v1/conversations", {
          kind: "group",
          title: "Team",
          members: [m1!.id, m2!.id, m1!.id, owner!.id],
        });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ kind: "group", title: "Team", lastSeq: 0 });
        const roles = Object.fromEntries(res.body.members.map((m: { userId: string; role: string }) => [m.userId, m.role]));
        expect(roles).toEqual({ [owner!.id]: "owner", [m1!.id]: "member", [m2!.id]: "member" });
        expect(res.body.members).toHaveLength(3);

        // every member can read it, and sees the same thing
        for (const u of [owner!, m1!, m2!]) {
          const got = await u.api.get(`/v1/conversations/${res.body.id}`);
          expect(got.status).toBe(200);
          expect(got.body).toEqual(res.body);
        }
      });

      test("a group of one (just the owner) is allowed, and each create is a new group", async () => {
        const owner = await register(server.url);
        const one = await owner.api.post("/v1/conversations", { kind: "group", title: "Notes", members: [] });
        const two = await owner.api.post("/v1/conversations", { kind: "group", title: "Notes", members: [] });
        expect(one.status).toBe(201);
        expect(two.status).toBe(201);
        expect(one.body.id).not.toBe(two.body.id);
        expect(one.body.members).toEqual([{ userId: owner.id, role: "owner", mutedUntil: null }]);
      });

      test.each([
        ["no title", { kind: "group", members: [] }],
        ["an empty title", { kind: "group", title: "  ", members: [] }],
        ["a title of 201 characters", { kind: "group", title: "t".repeat(201), members: [] }],
        ["members not an array", { kind: "group", title: "x", members: "everyone" }],
        ["an unknown kind", { kind: "channel", title: "x", members: [] }],
        ["no kind", { title: "x", members: [] }],
      ])("400 with %s", async (_what, body) => {
        const a = await register(server.url);
        expectError(await a.api.post("/v1/conversations", body), 400, "invalid_request");
      });

      test("an unknown member: 400 naming it, and nothing is created", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const ghost = crypto.randomUUID();
        const res = await a!.api.post("/v1/conversations", { kind: "group", title: "x", members: [b!.id, ghost] });
        expectError(res, 400, "invalid_request");
        expect(JSON.stringify(res.body.error.details)).toContain(ghost);
        expect((await a!.api.get("/v1/conversations")).body.items).toEqual([]);
        expect((await b!.api.get("/v1/conversations")).body.items).toEqual([]);
      });
    });

    describe("GET /v1/conversations/:id", () => {
      test("reflects lastSeq after messages", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const id = await directConversation(a!, b!);
        await sendText(a!, id, "one");
        await sendText(b!, id, "two");
        const got = await a!.api.get(`/v1/conversations/${id}`);
        expect(got.status).toBe(200);
        expect(got.body.lastSeq).toBe(2);
      });

      test("a non-member gets 404 and none of its data; so does an unknown id", async () => {
        const [a, b, outsider] = await registerMany(server.url, 3);
        const id = await group(a!, [b!], "secret plans");
        await sendText(a!, id, "the secret text");
        const res = await outsider!.api.get(`/v1/conversations/${id}`);
        expectError(res, 404, "not_found");
        expect(res.text).not.toContain("secret");
        expect(res.text).not.toContain(a!.id);
        const unknown = await outsider!.api.get(`/v1/conversations/${crypto.randomUUID()}`);
        expectError(unknown, 404, "not_found");
        // the two answers cannot be told apart
        expect(res.body.error.message).toBe(unknown.body.error.message);
        expect((await outsider!.api.get("/v1/conversations")).body.items).toEqual([]);
      });

      test("needs auth", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const id = await directConversation(a!, b!);
        expectError(await call(server.url, "GET", `/v1/conversations/${id}`), 401, "unauthorized");
        expectError(await call(server.url, "GET", "/v1/conversations"), 401, "unauthorized");
        expectError(await call(server.url, "POST", "/v1/conversations", { json: { kind: "direct", with: b!.id } }), 401, "unauthorized");
      });
    });

    describe("GET /v1/conversations", () => {
      test("most recent activity first, with lastSeq, readSeq, unread and lastMessage", async () => {
        const [me, bob, carol] = await registerMany(server.url, 3);
        const withBob = await directConversation(me!, bob!);
        await sleep(5);
        const withCarol = await directConversation(me!, carol!);
        await sleep(5);
        const team = await group(me!, [bob!, carol!], "team");

        // no messages yet: newest created first
        let list = (await me!.api.get("/v1/conversations")).body.items;
        expect(list.map((c: { id: string }) => c.id)).toEqual([team, withCarol, withBob]);
        for (const c of list) {
          expect(Object.keys(c).sort()).toEqual([
            ...["archived", "clearedSeq", "hidden", "id", "kind", "lastMessage", "lastSeq"],
            ...["mentions", "mutedUntil", "pinned", "readSeq", "title", "unread"],
          ]);
          expect(c).toMatchObject({ lastSeq: 0, readSeq: 0, unread: 0, lastMessage: null });
        }
        expect(list[0]).toMatchObject({ kind: "group", title: "team" });
        expect(list[1]).toMatchObject({ kind: "direct", title: null });

        await sleep(5);
        await sendText(bob!, withBob, "b1");
        await sendText(bob!, withBob, "b2");
        await sendText(me!, withBob, "mine");
        const last = await sendText(bob!, withBob, "b3");
        await sleep(5);
        await sendText(carol!, team, "t1");
        await sleep(5);
        await sendText(me!, withCarol, "hi carol");

        list = (await me!.api.get("/v1/conversations")).body.items;
        expect(list.map((c: { id: string }) => c.id)).toEqual([withCarol, team, withBob]);
        const byId = Object.fromEntries(list.map((c: { id: string }) => [c.id, c]));
        // my own messages never count as unread
        expect(byId[withBob]).toMatchObject({ lastSeq: 4, readSeq: 0, unread: 3 });
        expect(byId[withBob].lastMessage).toEqual(last);
        expect(byId[team]).toMatchObject({ lastSeq: 1, readSeq: 0, unread: 1 });
        expect(byId[withCarol]).toMatchObject({ lastSeq: 1, readSeq: 0, unread: 0 });
        expect(byId[withCarol].lastMessage.body).toEqual({ type: "text", text: "hi carol" });

        // reading moves readSeq and unread, not the order
        const read = await me!.api.post(`/v1/conversations/${withBob}/read`, { seq: 2 });
        expect(read.body).toEqual({ readSeq: 2, unread: 1 });
        list = (await me!.api.get("/v1/conversations")).body.items;
        expect(list.map((c: { id: string }) => c.id)).toEqual([withCarol, team, withBob]);
        expect(list[2]).toMatchObject({ readSeq: 2, unread: 1 });

        // bob's view of the same conversation: his own messages are not unread, mine is
        const bobs = (await bob!.api.get("/v1/conversations")).body.items;
        expect(bobs.find((c: { id: string }) => c.id === withBob)).toMatchObject({ lastSeq: 4, readSeq: 0, unread: 1 });
      });
    });
  });
}
