// Bot accounts (docs/protocol.md "Bots and integrations"): tokens shown once, rotation and
// deletion that stop the old token at once (HTTP, sockets, long polls), bot: true on user
// objects, scopes on every route and frame, and long polling.
import { describe, expect, test } from "bun:test";
import { call, client, directConversation, expectError, group, register, sendText, uniqueName, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { createBot, type TestBot } from "../support/bots.ts";
import { WsClient } from "../support/ws.ts";

const text = (t: string) => ({ clientId: crypto.randomUUID(), body: { type: "text", text: t } });

/** The bot's pending updates once `done` holds: events are appended after the commit, off the send's answer. */
async function updatesUntil(bot: TestBot, done: (items: any[]) => boolean): Promise<any[]> {
  for (const until = Date.now() + 10_000; ; await Bun.sleep(50)) {
    const items = (await bot.api.get("/v1/updates")).body.items as any[];
    if (done(items) || Date.now() > until) return items;
  }
}

for (const kind of targetKinds()) {
  describe(`bots [${kind}]`, () => {
    const t = useTarget(kind);

    test("a bot is created with its token shown once; it is a user with bot: true wherever users appear", async () => {
      const owner = await register(t.url);
      const username = uniqueName("bot");
      const res = await owner.api.post("/v1/bots", { username, displayName: "Echo" });
      expect(res.status).toBe(201);
      expect(res.body.bot).toMatchObject({ username, displayName: "Echo", bot: true, owner: owner.id, scopes: ["read", "send"] });
      expect(res.body.token).toMatch(/^pb_[A-Za-z0-9_-]{40,}$/);
      const listed = await owner.api.get("/v1/bots");
      expect(listed.body.items).toEqual([res.body.bot]);
      expect(JSON.stringify(listed.body)).not.toContain(res.body.token);
      const bot = client(t.url, res.body.token);
      expect((await bot.get("/v1/me")).body).toEqual({ id: res.body.bot.id, username, displayName: "Echo", bot: true });
      expect((await owner.api.get(`/v1/users?q=${username}`)).body.items).toEqual([{ id: res.body.bot.id, username, displayName: "Echo", bot: true }]);
      expect((await owner.api.get("/v1/me")).body.bot).toBeUndefined();
      // a bot never logs in with a password, and its username is taken like anyone's
      expectError(await call(t.url, "POST", "/v1/auth/login", { json: { username, password: "whatever-password" } }), 401, "invalid_credentials");
      expectError(await owner.api.post("/v1/bots", { username }), 409, "username_taken");
    });

    test("rotation: the old token stops at once (HTTP and its socket), the new one works; deletion ends it too", async () => {
      const owner = await register(t.url);
      const bot = await createBot(owner);
      const ws = await WsClient.connect(t.url);
      await ws.hello(bot.token);
      const rotated = await owner.api.post(`/v1/bots/${bot.id}/token`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.token).not.toBe(bot.token);
      expect((await ws.closed).code).toBe(4010);
      expectError(await bot.api.get("/v1/me"), 401, "unauthorized");
      const renewed = client(t.url, rotated.body.token);
      expect((await renewed.get("/v1/me")).status).toBe(200);
      const again = await WsClient.connect(t.url);
      await again.hello(rotated.body.token);
      expect((await owner.api.delete(`/v1/bots/${bot.id}`)).status).toBe(204);
      expect((await again.closed).code).toBe(4010);
      expectError(await renewed.get("/v1/me"), 401, "unauthorized");
      expect((await owner.api.get("/v1/bots")).body.items).toEqual([]);
    });

    test("only the owner sees, rotates and deletes a bot; bots make no bots; a user owns a bounded number", async () => {
      const [owner, other] = [await register(t.url), await register(t.url)];
      const bot = await createBot(owner);
      expectError(await other.api.post(`/v1/bots/${bot.id}/token`), 404, "not_found");
      expectError(await other.api.delete(`/v1/bots/${bot.id}`), 404, "not_found");
      expectError(await other.api.get(`/v1/bots/${bot.id}/webhook`), 404, "not_found");
      expect((await other.api.get("/v1/bots")).body.items).toEqual([]);
      expectError(await bot.api.post("/v1/bots", { username: uniqueName("bot") }), 403, "forbidden");
      expectError(await owner.api.post("/v1/bots", { username: "x" }), 400, "invalid_request");
      expectError(await owner.api.post("/v1/bots", { username: uniqueName("bot"), scopes: ["root"] }), 400, "invalid_request");
      expectError(await call(t.url, "GET", "/v1/me", { token: "pb_not-a-real-token" }), 401, "unauthorized");
      for (let i = 1; i < 20; i++) await createBot(owner);
      expectError(await owner.api.post("/v1/bots", { username: uniqueName("bot") }), 403, "forbidden");
    });

    test("scopes × routes: each route and frame a bot can reach needs its scope; the rest is closed to bots", async () => {
      const owner = await register(t.url);
      const [reader, sender, manager] = [
        await createBot(owner, { scopes: ["read"] }),
        await createBot(owner, { scopes: ["send"] }),
        await createBot(owner, { scopes: ["manage"] }),
      ];
      const conv = await group(owner, [], "scopes");
      for (const b of [reader, sender, manager]) expect((await owner.api.post(`/v1/conversations/${conv}/members`, { users: [b.id] })).status).toBe(201);
      await owner.api.patch(`/v1/conversations/${conv}/members/${manager.id}`, { role: "admin" });
      const m = await sendText(owner, conv, "hello");
      const upload = crypto.randomUUID(); // no such upload: a bot allowed to look gets 404, not 403
      const routes: [string, string, unknown, "read" | "send" | "manage" | null][] = [
        ["GET", "/v1/me", undefined, "read"],
        ["GET", "/v1/users?q=a", undefined, "read"],
        ["GET", `/v1/users?ids=${owner.id}`, undefined, "read"],
        ["GET", "/v1/conversations", undefined, "read"],
        ["GET", `/v1/conversations/${conv}`, undefined, "read"],
        ["GET", `/v1/conversations/${conv}/receipts`, undefined, "read"],
        ["GET", `/v1/conversations/${conv}/messages`, undefined, "read"],
        ["POST", `/v1/conversations/${conv}/read`, { seq: 1 }, "read"],
        ["GET", "/v1/updates", undefined, "read"],
        ["GET", "/v1/search?q=hello", undefined, "read"],
        ["POST", `/v1/uploads/${upload}/url`, undefined, "read"],
        ["GET", `/v1/uploads/${upload}`, undefined, "read"],
        ["POST", `/v1/conversations/${conv}/messages`, text("hi"), "send"],
        ["POST", "/v1/uploads?name=a.txt", { any: "bytes" }, "send"],
        ["POST", `/v1/conversations/${conv}/messages/${m.seq}/recall`, { clientId: crypto.randomUUID() }, "send"],
        ["PUT", `/v1/conversations/${conv}/messages/${m.seq}/reactions/${encodeURIComponent("👍")}`, undefined, "send"],
        ["POST", "/v1/conversations", { kind: "direct", with: owner.id }, "send"],
        ["PATCH", `/v1/conversations/${conv}`, { topic: "t" }, "manage"],
        ["POST", `/v1/conversations/${conv}/members`, { users: [owner.id] }, "manage"],
        ["POST", "/v1/auth/logout", undefined, null],
        ["GET", "/v1/bots", undefined, null],
        ["POST", "/v1/bots", { username: uniqueName("bot") }, null],
        ["POST", "/v1/friends/requests", { to: owner.id }, null],
        ["GET", "/v1/friends", undefined, null],
        ["PUT", `/v1/blocks/${owner.id}`, undefined, null],
      ];
      const outcomes: string[] = [];
      for (const [method, path, json, scope] of routes) {
        for (const [name, b] of [["read", reader], ["send", sender], ["manage", manager]] as const) {
          const res = await call(t.url, method, path, { token: b.token, json });
          const refused = res.status === 403 && res.body?.error?.details?.operation !== undefined;
          if (refused !== (scope !== name)) outcomes.push(`${name} ${method} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
          if (!refused && res.status >= 500) outcomes.push(`${name} ${method} ${path}: ${res.status}`);
        }
      }
      expect(outcomes).toEqual([]);
      // frames: a read-only bot's socket reads but does not send; a send-only bot cannot open one
      const ws = await WsClient.connect(t.url);
      await ws.hello(reader.token, { cursors: { [conv]: 0 } });
      const refusal = await ws.request({ t: "send", conv, clientId: crypto.randomUUID(), body: { type: "text", text: "no" } });
      expect(refusal).toMatchObject({ t: "error", code: "forbidden" });
      expect((await ws.request({ t: "sync", conv, after: 0 })).t).toBe("msgs");
      const writer = await WsClient.connect(t.url);
      writer.send({ t: "hello", token: sender.token });
      expect((await writer.closed).code).toBe(4001);
      ws.ws.close();
    });

    test("long polling: GET /v1/updates answers as soon as an event arrives; offset confirms what came before", async () => {
      const owner = await register(t.url);
      const bot = await createBot(owner);
      const conv = await directConversation(owner, { id: bot.id } as TestUser);
      const first = await bot.api.get("/v1/updates");
      expect(first.body.items).toMatchObject([{ type: "conversation", conv, conversation: { id: conv, kind: "direct" } }]);
      const started = Date.now();
      const waiting = bot.api.get(`/v1/updates?offset=${first.body.items[0].id + 1}&timeout=20`);
      await Bun.sleep(500);
      const m = await sendText(owner, conv, "are you there?");
      const answered = await waiting;
      expect(Date.now() - started).toBeLessThan(5000);
      expect(answered.status).toBe(200);
      expect(answered.body.items).toMatchObject([{ type: "entry", conv, entry: { id: m.id, seq: m.seq, body: { type: "text", text: "are you there?" } } }]);
      expect(answered.body.items[0].id).toBeGreaterThan(first.body.items[0].id);
      // not confirmed yet: still there; confirmed by the next offset: gone
      expect((await bot.api.get("/v1/updates")).body.items.map((e: any) => e.id)).toEqual([answered.body.items[0].id]);
      expect((await bot.api.get(`/v1/updates?offset=${answered.body.items[0].id + 1}`)).body.items).toEqual([]);
      // a bot's own messages are not its events; people get no updates; bad queries are 400
      await sendText({ ...owner, api: bot.api } as TestUser, conv, "echo");
      expect((await bot.api.get("/v1/updates")).body.items).toEqual([]);
      expectError(await owner.api.get("/v1/updates"), 403, "forbidden");
      expectError(await bot.api.get("/v1/updates?timeout=51"), 400, "invalid_request");
    });

    test("a waiting long poll ends with 401 when its token is rotated; a bot has at most 2 waiting", async () => {
      const owner = await register(t.url);
      const bot = await createBot(owner);
      const polls = [bot.api.get("/v1/updates?timeout=20"), bot.api.get("/v1/updates?timeout=20")];
      await Bun.sleep(700);
      expectError(await bot.api.get("/v1/updates?timeout=20"), 429, "rate_limited");
      const started = Date.now();
      expect((await owner.api.post(`/v1/bots/${bot.id}/token`)).status).toBe(200);
      for (const res of await Promise.all(polls)) expectError(res, 401, "unauthorized");
      expect(Date.now() - started).toBeLessThan(5000);
    });

    test("events: edits, recalls, reactions and membership of its conversations, in order; receipts only when asked", async () => {
      const owner = await register(t.url);
      const bot = await createBot(owner, { events: ["entry", "receipt"] });
      const conv = await group(owner, [{ id: bot.id } as TestUser], "events");
      const m = await sendText(owner, conv, "one");
      await owner.api.post(`/v1/conversations/${conv}/messages/${m.seq}/edit`, { clientId: crypto.randomUUID(), text: "uno" });
      await owner.api.put(`/v1/conversations/${conv}/messages/${m.seq}/reactions/${encodeURIComponent("👍")}`);
      await owner.api.post(`/v1/conversations/${conv}/read`, { seq: m.seq });
      await owner.api.post(`/v1/conversations/${conv}/messages/${m.seq}/recall`, { clientId: crypto.randomUUID() });
      const items = await updatesUntil(bot, (items) => items.length >= 5);
      const kinds = items.map((e: any) => (e.type === "entry" ? e.entry.body.type : e.type));
      expect(kinds).toEqual(["text", "edit", "reaction", "receipt", "recall"]);
      expect(items.map((e: any) => e.id)).toEqual([...items.map((e: any) => e.id)].sort((a, b) => a - b));
      expect(items[3].receipt).toEqual({ user: owner.id, kind: "read", seq: m.seq });
    });
  });

  describe(`bots with a small outbox [${kind}]`, () => {
    const t = useTarget(kind, { BOT_OUTBOX_MAX: "3" });

    test("beyond BOT_OUTBOX_MAX events per bot, the oldest are dropped", async () => {
      const owner = await register(t.url);
      const bot = await createBot(owner, { events: ["entry"] });
      const conv = await group(owner, [{ id: bot.id } as TestUser], "small");
      for (let i = 1; i <= 5; i++) await sendText(owner, conv, `m${i}`);
      const items = await updatesUntil(bot, (items) => items.at(-1)?.entry?.body.text === "m5");
      expect(items.map((e: any) => e.entry.body.text)).toEqual(["m3", "m4", "m5"]);
    });
  });
}
