// PROTOCOL.md "Messages": send (seq, idempotent clientId), history paging, the read marker,
// body validation, and that non-members can neither read nor write.
import { beforeAll, describe, expect, test } from "bun:test";
import { call, directConversation, expectError, group, registerMany, sendText, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";

for (const kind of targetKinds()) {
  describe(`messages [${kind}]`, () => {
    const server = useTarget(kind);

    const send = (u: TestUser, conv: string, body: unknown) => u.api.post(`/v1/conversations/${conv}/messages`, body);
    const text = (s: string) => ({ type: "text", text: s });

    describe("send", () => {
      test("201 with the message object; seq counts 1, 2, 3 per conversation", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const conv = await directConversation(a!, b!);
        const before = Date.now();
        const res = await send(a!, conv, { clientId: "c-1", body: text("hello") });
        expect(res.status).toBe(201);
        expect(Object.keys(res.body).sort()).toEqual(["body", "clientId", "conv", "id", "sender", "seq", "ts"]);
        expect(res.body).toMatchObject({ conv, seq: 1, sender: a!.id, clientId: "c-1", body: { type: "text", text: "hello" } });
        expect(typeof res.body.id).toBe("string");
        expect(res.body.ts).toBeGreaterThanOrEqual(before - 1000);
        expect(res.body.ts).toBeLessThanOrEqual(Date.now() + 1000);

        expect((await sendText(b!, conv, "two")).seq).toBe(2);
        expect((await sendText(a!, conv, "three")).seq).toBe(3);
        // another conversation has its own log
        const other = await group(a!, [], "mine");
        expect((await sendText(a!, other, "first")).seq).toBe(1);
      });

      test("the same clientId again returns 200 with the original, whatever the body", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const conv = await directConversation(a!, b!);
        const first = await send(a!, conv, { clientId: "dup", body: text("original") });
        expect(first.status).toBe(201);
        await sendText(b!, conv, "in between");

        const again = await send(a!, conv, { clientId: "dup", body: text("a different text") });
        expect(again.status).toBe(200);
        expect(again.body).toEqual(first.body);

        const history = await a!.api.get(`/v1/conversations/${conv}/messages`);
        expect(history.body.items.map((m: { body: { text: string } }) => m.body.text)).toEqual(["original", "in between"]);
        expect((await a!.api.get(`/v1/conversations/${conv}`)).body.lastSeq).toBe(2);
      });

      test("a clientId is scoped to its sender and its conversation", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const conv = await directConversation(a!, b!);
        const other = await group(a!, [b!], "other");
        const mine = await send(a!, conv, { clientId: "same", body: text("a") });
        const theirs = await send(b!, conv, { clientId: "same", body: text("b") });
        const elsewhere = await send(a!, other, { clientId: "same", body: text("c") });
        expect([mine.status, theirs.status, elsewhere.status]).toEqual([201, 201, 201]);
        expect(new Set([mine.body.id, theirs.body.id, elsewhere.body.id]).size).toBe(3);
        expect([mine.body.seq, theirs.body.seq, elsewhere.body.seq]).toEqual([1, 2, 1]);
      });

      test("text of 1 and 16,000 characters is accepted, and stored as sent", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const conv = await directConversation(a!, b!);
        const long = "é".repeat(8000) + "x".repeat(8000);
        for (const s of ["x", long, "emoji 😀 and \"quotes\" and \n newlines \u0000 nul"]) {
          const res = await send(a!, conv, { clientId: crypto.randomUUID(), body: text(s) });
          expect(res.status).toBe(201);
          expect(res.body.body.text).toBe(s);
        }
        const history = await a!.api.get(`/v1/conversations/${conv}/messages`);
        expect(history.body.items[1].body.text).toBe(long);
        // characters, not UTF-16 units: 16,000 emoji fit, 16,001 do not
        expect((await send(a!, conv, { clientId: crypto.randomUUID(), body: text("😀".repeat(16_000)) })).status).toBe(201);
        expectError(await send(a!, conv, { clientId: crypto.randomUUID(), body: text("😀".repeat(16_001)) }), 400, "invalid_request");
      });

      test.each([
        ["empty text", { clientId: "x", body: { type: "text", text: "" } }],
        ["text of 16,001 characters", { clientId: "x", body: { type: "text", text: "x".repeat(16_001) } }],
        ["text not a string", { clientId: "x", body: { type: "text", text: 42 } }],
        ["an unknown body type", { clientId: "x", body: { type: "telepathy", text: "hi" } }],
        ["no body", { clientId: "x" }],
        ["no clientId", { body: { type: "text", text: "hi" } }],
        ["an empty clientId", { clientId: "", body: { type: "text", text: "hi" } }],
        ["a clientId of 129 characters", { clientId: "c".repeat(129), body: { type: "text", text: "hi" } }],
        ["a numeric clientId", { clientId: 7, body: { type: "text", text: "hi" } }],
        ["an array", [1, 2, 3]],
      ])("400 for %s, and nothing is stored", async (_what, body) => {
        const [a, b] = await registerMany(server.url, 2);
        const conv = await directConversation(a!, b!);
        const res = await send(a!, conv, body);
        expectError(res, 400, "invalid_request");
        expect(res.body.error.details).toBeDefined();
        expect((await a!.api.get(`/v1/conversations/${conv}`)).body.lastSeq).toBe(0);
      });

      test("a non-member cannot send: 404, and the log is untouched", async () => {
        const [a, b, outsider] = await registerMany(server.url, 3);
        const conv = await directConversation(a!, b!);
        await sendText(a!, conv, "hi");
        expectError(await send(outsider!, conv, { clientId: "x", body: text("intrusion") }), 404, "not_found");
        expectError(await send(outsider!, crypto.randomUUID(), { clientId: "x", body: text("nowhere") }), 404, "not_found");
        const history = await a!.api.get(`/v1/conversations/${conv}/messages`);
        expect(history.body.items.map((m: { seq: number }) => m.seq)).toEqual([1]);
        expectError(await call(server.url, "POST", `/v1/conversations/${conv}/messages`, { json: { clientId: "y", body: text("anon") } }), 401, "unauthorized");
      });
    });

    describe("history", () => {
      let a: TestUser;
      let b: TestUser;
      let conv: string;
      const N = 120;
      const page = (query: string, user: TestUser = a) => user.api.get(`/v1/conversations/${conv}/messages${query}`);
      const seqs = (res: { body: { items: { seq: number }[] } }) => res.body.items.map((m) => m.seq);
      const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

      beforeAll(async () => {
        [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
        conv = await directConversation(a, b);
        for (let i = 1; i <= N; i++) await sendText(i % 3 === 0 ? b : a, conv, `m${i}`, `cid-${i}`);
      });

      test("after: ascending from after+1, default limit 50, hasMore", async () => {
        const first = await page("?after=0");
        expect(first.status).toBe(200);
        expect(Object.keys(first.body).sort()).toEqual(["hasMore", "items"]);
        expect(seqs(first)).toEqual(range(1, 50));
        expect(first.body.hasMore).toBe(true);
        expect(first.body.items[0]).toMatchObject({ conv, seq: 1, sender: a.id, clientId: "cid-1", body: { type: "text", text: "m1" } });

        expect(seqs(await page("?after=50"))).toEqual(range(51, 100));
        const tail = await page("?after=100");
        expect(seqs(tail)).toEqual(range(101, 120));
        expect(tail.body.hasMore).toBe(false);
        const exact = await page("?after=70&limit=50");
        expect(seqs(exact)).toEqual(range(71, 120));
        expect(exact.body.hasMore).toBe(false);
        expect(await page("?after=120").then((r) => r.body)).toEqual({ items: [], hasMore: false });
        expect(await page("?after=9999").then((r) => r.body)).toEqual({ items: [], hasMore: false });
      });

      test("limit: any n from 1 to 200", async () => {
        const one = await page("?after=5&limit=1");
        expect(seqs(one)).toEqual([6]);
        expect(one.body.hasMore).toBe(true);
        const all = await page("?after=0&limit=200");
        expect(seqs(all)).toEqual(range(1, 120));
        expect(all.body.hasMore).toBe(false);
      });

      test("a limit above 200 is capped at 200", async () => {
        // seed a second conversation past 200 messages so the cap shows
        const [x, y] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
        const big = await directConversation(x, y);
        await Promise.all(Array.from({ length: 230 }, (_, i) => sendText(x, big, `n${i}`)));
        const res = await x.api.get(`/v1/conversations/${big}/messages?after=0&limit=1000`);
        expect(res.status).toBe(200);
        expect(seqs(res)).toEqual(range(1, 200));
        expect(res.body.hasMore).toBe(true);
      });

      test("before: the limit items just before it, ascending", async () => {
        const res = await page("?before=51&limit=10");
        expect(seqs(res)).toEqual(range(41, 50));
        expect(res.body.hasMore).toBe(true);
        expect(seqs(await page("?before=121"))).toEqual(range(71, 120));
        const start = await page("?before=5&limit=10");
        expect(seqs(start)).toEqual([1, 2, 3, 4]);
        expect(start.body.hasMore).toBe(false);
        const exact = await page("?before=11&limit=10");
        expect(seqs(exact)).toEqual(range(1, 10));
        expect(exact.body.hasMore).toBe(false);
        expect(await page("?before=1").then((r) => r.body)).toEqual({ items: [], hasMore: false });
      });

      test("neither: the newest page, ascending", async () => {
        const res = await page("?limit=5");
        expect(seqs(res)).toEqual(range(116, 120));
        expect(res.body.hasMore).toBe(true);
        expect(seqs(await page(""))).toEqual(range(71, 120));
      });

      test("walking back with before and forward with after covers every seq exactly once", async () => {
        const back: number[] = [];
        let cursor = 121;
        for (let i = 0; i < 20; i++) {
          const res = await page(`?before=${cursor}&limit=17`);
          back.unshift(...seqs(res));
          if (!res.body.hasMore) break;
          cursor = res.body.items[0].seq;
        }
        expect(back).toEqual(range(1, 120));
        const fwd: number[] = [];
        let after = 0;
        for (let i = 0; i < 20; i++) {
          const res = await page(`?after=${after}&limit=23`);
          fwd.push(...seqs(res));
          if (!res.body.hasMore) break;
          after = res.body.items.at(-1).seq;
        }
        expect(fwd).toEqual(range(1, 120));
      });

      test.each([
        ["limit=0"],
        ["limit=-1"],
        ["limit=abc"],
        ["limit=1.5"],
        ["after=-1"],
        ["after=x"],
        ["before=0"],
        ["before=abc"],
        ["after=1&before=5"],
      ])("400 for ?%s", async (query) => {
        const res = await page(`?${query}`);
        expectError(res, 400, "invalid_request");
        expect(res.body.error.details).toBeDefined();
      });

      test("a non-member gets 404 and no messages", async () => {
        const [outsider] = await registerMany(server.url, 1);
        const res = await page("?after=0", outsider!);
        expectError(res, 404, "not_found");
        expect(res.text).not.toContain("m1");
        expectError(await call(server.url, "GET", `/v1/conversations/${conv}/messages`), 401, "unauthorized");
      });
    });

    describe("read marker", () => {
      test("moves forward only, never past the last message; unread counts others' messages after it", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const conv = await directConversation(a!, b!);
        for (let i = 1; i <= 5; i++) await sendText(b!, conv, `b${i}`);
        await sendText(a!, conv, "mine"); // seq 6, a's own
        await sendText(b!, conv, "b6"); // seq 7

        const read = (seq: unknown) => a!.api.post(`/v1/conversations/${conv}/read`, { seq });
        let res = await read(3);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ readSeq: 3, unread: 3 });
        res = await read(1);
        expect(res.body).toEqual({ readSeq: 3, unread: 3 });
        res = await read(0);
        expect(res.body).toEqual({ readSeq: 3, unread: 3 });
        res = await read(6);
        expect(res.body).toEqual({ readSeq: 6, unread: 1 });
        res = await read(1000);
        expect(res.body).toEqual({ readSeq: 7, unread: 0 });
        res = await read(2);
        expect(res.body).toEqual({ readSeq: 7, unread: 0 });

        const mine = (await a!.api.get("/v1/conversations")).body.items[0];
        expect(mine).toMatchObject({ id: conv, lastSeq: 7, readSeq: 7, unread: 0 });
        // the other member's marker is separate
        const theirs = (await b!.api.get("/v1/conversations")).body.items[0];
        expect(theirs).toMatchObject({ readSeq: 0, unread: 1 });

        // a new message after the marker is unread again
        await sendText(b!, conv, "b7");
        expect((await a!.api.get("/v1/conversations")).body.items[0]).toMatchObject({ lastSeq: 8, readSeq: 7, unread: 1 });
      });

      test("concurrent markers settle on the highest", async () => {
        const [a, b] = await registerMany(server.url, 2);
        const conv = await directConversation(a!, b!);
        for (let i = 1; i <= 30; i++) await sendText(b!, conv, `b${i}`, `r${i}`);
        const results = await Promise.all(
          [...Array(30).keys()].reverse().map((i) => a!.api.post(`/v1/conversations/${conv}/read`, { seq: i + 1 })),
        );
        for (const r of results) expect(r.status).toBe(200);
        const final = await a!.api.post(`/v1/conversations/${conv}/read`, { seq: 0 });
        expect(final.body).toEqual({ readSeq: 30, unread: 0 });
      });

      test.each([["-1", -1], ["a string", "5"], ["a fraction", 1.5], ["missing", undefined]])(
        "400 for a seq of %s",
        async (_what, seq) => {
          const [a, b] = await registerMany(server.url, 2);
          const conv = await directConversation(a!, b!);
          expectError(await a!.api.post(`/v1/conversations/${conv}/read`, seq === undefined ? {} : { seq }), 400, "invalid_request");
        },
      );

      test("a non-member gets 404", async () => {
        const [a, b, outsider] = await registerMany(server.url, 3);
        const conv = await directConversation(a!, b!);
        await sendText(a!, conv, "x");
        expectError(await outsider!.api.post(`/v1/conversations/${conv}/read`, { seq: 1 }), 404, "not_found");
      });
    });

    describe("receipts", () => {
      test("per member, how far delivered and read; reading implies delivery", async () => {
        const [a, b, c] = await registerMany(server.url, 3);
        const conv = await group(a!, [b!, c!]);
        for (let i = 0; i < 4; i++) await sendText(a!, conv, `m${i}`);
        expect((await b!.api.post(`/v1/conversations/${conv}/read`, { seq: 3 })).status).toBe(200);

        const res = await c!.api.get(`/v1/conversations/${conv}/receipts`);
        expect(res.status).toBe(200);
        const byUser = Object.fromEntries(res.body.items.map((r: { userId: string }) => [r.userId, r]));
        expect(Object.keys(byUser).sort()).toEqual([a!.id, b!.id, c!.id].sort());
        expect(byUser[b!.id]).toEqual({ userId: b!.id, deliveredSeq: 3, readSeq: 3 });
        expect(byUser[c!.id]).toEqual({ userId: c!.id, deliveredSeq: 0, readSeq: 0 });
      });

      test("a non-member gets 404 and no markers", async () => {
        const [a, b, outsider] = await registerMany(server.url, 3);
        const conv = await directConversation(a!, b!);
        const res = await outsider!.api.get(`/v1/conversations/${conv}/receipts`);
        expectError(res, 404, "not_found");
        expect(res.text).not.toContain(a!.id);
        expectError(await call(server.url, "GET", `/v1/conversations/${conv}/receipts`), 401, "unauthorized");
      });
    });
  });
}
