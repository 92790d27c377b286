// The SDK against a real in-process server over real sockets: send/ack/msg, receipts, typing,
// errors, HTTP helpers, tokens and close codes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ParleyClient, ParleyError } from "../../src/client/index.ts";
import { directConversation, register, type TestUser } from "../support/api.ts";
import { startTarget, type Target } from "../support/target.ts";
import { clientFor, range, record, text, waitUntil, within } from "./helpers.ts";

let target: Target;
let alice: TestUser;
let bob: TestUser;
let conv: string;
const clients: ParleyClient[] = [];
const track = (c: ParleyClient) => (clients.push(c), c);

beforeAll(async () => {
  target = await startTarget("bun");
  [alice, bob] = await Promise.all([register(target.url), register(target.url)]);
  conv = await directConversation(alice, bob);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await target?.stop();
});

describe("two clients", () => {
  test("send resolves with the ack; the other side gets msg; both see 1..n in order", async () => {
    const a = track(clientFor(target.url, alice, { device: "a-phone" }));
    const b = track(clientFor(target.url, bob, { device: "b-phone" }));
    const ra = record(a);
    const rb = record(b);
    await within(Promise.all([a.connect(), b.connect()]), "both connected");
    expect(a.user).toBe(alice.id);
    expect(ra.connected[0]).toMatchObject({ user: alice.id, reconnected: false });

    const acks = await within(Promise.all(range(1, 5).map((i) => a.send(conv, text(`hi ${i}`)))), "5 acks");
    expect(acks.map((x) => x.seq).sort((x, y) => x - y)).toEqual(range(1, 5));
    for (const ack of acks) expect(ack).toMatchObject({ conv, id: expect.any(String), ts: expect.any(Number) });
    expect(new Set(acks.map((x) => x.clientId)).size).toBe(5);

    await waitUntil(() => rb.seqs(conv).length === 5, "bob gets 5 messages");
    expect(rb.seqs(conv)).toEqual(range(1, 5));
    expect(rb.msgs.every((m) => m.sender === alice.id && m.body.type === "text")).toBe(true);
    // The sender's own stream holds its messages too (from the acks), exactly once, in order.
    await waitUntil(() => ra.seqs(conv).length === 5, "alice's own stream");
    expect(ra.seqs(conv)).toEqual(range(1, 5));
    expect(ra.msgs.map((m) => m.id).sort()).toEqual(rb.msgs.map((m) => m.id).sort());
    expect(a.cursor(conv)).toBe(5);
    expect(b.cursor(conv)).toBe(5);
    expect(a.pending()).toEqual([]);

    // A reply interleaves: both streams stay 1..6 without holes or repeats.
    await b.send(conv, text("hello back"));
    await waitUntil(() => ra.seqs(conv).length === 6, "alice gets the reply");
    expect(ra.seqs(conv)).toEqual(range(1, 6));
    expect(rb.seqs(conv)).toEqual(range(1, 6));

    // Typing goes to the other member only.
    expect(b.typing(conv)).toBe(true);
    await waitUntil(() => ra.typing.length === 1, "alice sees bob typing");
    expect(ra.typing[0]).toEqual({ conv, user: bob.id });
    expect(rb.typing).toEqual([]);

    // Receipts: delivered and read, up to the cursor by default.
    b.markDelivered(conv);
    b.markRead(conv, 4);
    await waitUntil(() => ra.receipts.length >= 2, "alice gets both receipts");
    expect(ra.receipts).toContainEqual({ conv, user: bob.id, kind: "delivered", seq: 6 });
    expect(ra.receipts).toContainEqual({ conv, user: bob.id, kind: "read", seq: 4 });
    const [summary] = (await bob.api.get("/v1/conversations")).body.items;
    expect(summary).toMatchObject({ id: conv, readSeq: 4, unread: 1 });

    a.close();
    b.close();
    expect(a.state).toBe("stopped");
    expect(ra.disconnected.at(-1)).toMatchObject({ code: 1000, willReconnect: false });
  });

  test("a definitive error frame rejects the send and leaves the outbox", async () => {
    const [carol] = await Promise.all([register(target.url)]);
    const c = track(clientFor(target.url, carol));
    await within(c.connect(), "connect");
    // Carol is not a member of alice and bob's conversation.
    const refused = await c.send(conv, text("let me in")).catch((e) => e);
    expect(refused).toBeInstanceOf(ParleyError);
    expect(["forbidden", "not_found"]).toContain(refused.code);
    expect(c.pending()).toEqual([]);
    // Invalid bodies are refused before they reach the wire.
    const invalid = await c.send(conv, text("")).catch((e) => e);
    expect(invalid).toMatchObject({ code: "invalid_request" });
    const huge = await c.send(conv, text("\u0001".repeat(15_000))).catch((e) => e);
    expect(huge).toMatchObject({ code: "payload_too_large" });
    c.close();
  });

  test("HTTP helpers: login, conversations, send (idempotent), history, read", async () => {
    const c = track(new ParleyClient({ baseUrl: target.url }));
    const tokens: string[] = [];
    const login = new ParleyClient({ baseUrl: target.url, onTokens: (t) => tokens.push(t.accessToken) });
    const auth = await login.login({ username: alice.username, password: alice.password });
    expect(auth.user.id).toBe(alice.id);
    expect(tokens).toEqual([auth.accessToken]);
    expect(await login.api.me()).toMatchObject({ id: alice.id });

    const list = await login.api.conversations();
    expect(list.find((x) => x.id === conv)).toMatchObject({ kind: "direct" });
    const direct = await login.api.createConversation({ kind: "direct", with: bob.id });
    expect(direct.id).toBe(conv);

    const clientId = crypto.randomUUID();
    const first = await login.api.send(conv, text("over http"), clientId);
    const again = await login.api.send(conv, text("whatever"), clientId);
    expect(again).toEqual(first);
    const page = await login.api.history(conv, { after: first.seq - 1 });
    expect(page.items.map((m) => m.clientId)).toEqual([clientId]);
    expect(await login.api.markRead(conv, first.seq)).toMatchObject({ readSeq: first.seq });
    expect(await login.api.searchUsers(bob.username, 5)).toEqual([{ id: bob.id, username: bob.username, displayName: bob.displayName }]);
    expect((await login.api.users([bob.id, "nobody", alice.id])).map((u) => u.id)).toEqual([bob.id, alice.id]);
    // the index is filled just after the commit
    let found = await login.api.search("over", { conv, limit: 1 });
    for (let i = 0; i < 50 && found.items.length === 0; i++) {
      await Bun.sleep(20);
      found = await login.api.search("over", { conv, limit: 1 });
    }
    expect(found.items[0]).toMatchObject({ message: { clientId }, snippet: "over http", highlights: [[0, 4]] });
    const [presence, ...more] = await login.api.presence([bob.id]);
    expect(more).toEqual([]);
    expect(presence).toMatchObject({ user: bob.id, status: expect.stringMatching(/^(online|offline)$/) });

    const err = await c.api.me().catch((e) => e);
    expect(err).toMatchObject({ code: "unauthorized", status: 401 });
    const bad = await c.login({ username: alice.username, password: "wrong password" }).catch((e) => e);
    expect(bad).toMatchObject({ code: "invalid_credentials", status: 401 });
  });
});

describe("clientIds the SDK makes", () => {
  // time-ordered, so that the server's idempotency index grows at its end (README "Performance")
  test("are UUIDv7 whose time prefix follows the order of the sends, over HTTP and over the socket", async () => {
    const a = track(clientFor(target.url, alice, { device: "ids-phone" }));
    await within(a.connect(), "connected");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await a.api.send(conv, text(`http ${i}`))).clientId);
      await Bun.sleep(2);
      ids.push((await a.send(conv, text(`ws ${i}`))).clientId);
      await Bun.sleep(2);
    }
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const times = ids.map((id) => id.replace("-", "").slice(0, 12));
    expect(times).toEqual([...times].sort());
  });
});

describe("tokens and close codes", () => {
  test("a refused token is refreshed (built-in) and the client connects", async () => {
    const dave = await register(target.url);
    const issued: string[] = [];
    const c = track(
      clientFor(target.url, dave, {
        tokens: { accessToken: "not-a-token", refreshToken: dave.refreshToken },
        onTokens: (t) => issued.push(t.accessToken),
      }),
    );
    const r = record(c);
    await within(c.connect(), "connect after refresh");
    expect(r.disconnected[0]).toMatchObject({ code: 4001, willReconnect: true });
    expect(issued.length).toBe(1);
    expect(c.tokens?.accessToken).toBe(issued[0]!);
    c.close();
  });

  test("HTTP: a refused token is renewed once for concurrent calls (a refresh token works once)", async () => {
    const gina = await register(target.url);
    const issued: string[] = [];
    const c = new ParleyClient({
      baseUrl: target.url,
      tokens: { accessToken: "not-a-token", refreshToken: gina.refreshToken },
      onTokens: (t) => issued.push(t.refreshToken),
    });
    const [me, list, again] = await Promise.all([c.api.me(), c.api.conversations(), c.api.me()]);
    expect(me.id).toBe(gina.id);
    expect(again.id).toBe(gina.id);
    expect(list).toEqual([]);
    expect(issued.length).toBe(1);
    // The rotated pair still works: the login was not revoked by a reused refresh token.
    expect((await c.api.me()).id).toBe(gina.id);
  });

  test("the token hook gives a fresh token after 4001; a hook with none stops with unauthorized", async () => {
    const erin = await register(target.url);
    const reasons: string[] = [];
    const c = track(
      new ParleyClient({
        baseUrl: target.url,
        getToken: ({ reason }) => (reasons.push(reason), reason === "unauthorized" ? erin.accessToken : "stale"),
        reconnect: { minDelayMs: 10, maxDelayMs: 50 },
      }),
    );
    await within(c.connect(), "connect with the hook's token");
    expect(reasons).toEqual(["connect", "unauthorized"]);
    c.close();

    const hopeless = track(new ParleyClient({ baseUrl: target.url, getToken: () => "never-valid" }));
    const r = record(hopeless);
    const failure = await within(hopeless.connect().catch((e) => e), "connect rejects");
    expect(failure).toMatchObject({ code: "unauthorized" });
    expect(hopeless.state).toBe("stopped");
    expect(r.errors.map((e) => e.code)).toEqual(["unauthorized"]);
    expect(r.disconnected.map((d) => d.code)).toEqual([4001, 4001]);
  });

  test("4010: the same device connecting elsewhere stops the old client", async () => {
    const frank = await register(target.url);
    const first = track(clientFor(target.url, frank, { device: "laptop" }));
    const r = record(first);
    await within(first.connect(), "first connects");
    const second = track(clientFor(target.url, frank, { device: "laptop" }));
    await within(second.connect(), "second connects");
    await waitUntil(() => first.state === "stopped", "first stops");
    expect(r.disconnected.at(-1)).toMatchObject({ code: 4010, willReconnect: false, wasConnected: true });
    expect(r.errors.map((e) => e.code)).toEqual(["kicked"]);
    expect(second.state).toBe("open");
    second.close();
  });
});

test("rate_limited is not definitive: refused sends are retried and all resolve once", async () => {
  const limited = await startTarget("bun", { WS_FRAMES_PER_SEC: "50", WS_FRAME_BURST: "5" });
  try {
    const [hal, ida] = await Promise.all([register(limited.url), register(limited.url)]);
    const conv = await directConversation(hal, ida);
    const h = clientFor(limited.url, hal);
    clients.push(h);
    const r = record(h);
    await within(h.connect(), "connect");
    const acks = await within(Promise.all(range(1, 30).map((i) => h.send(conv, text(`burst ${i}`)))), "30 acks", 10_000);
    expect(acks.map((a) => a.seq).sort((x, y) => x - y)).toEqual(range(1, 30));
    expect(new Set(r.acks.map((a) => a.clientId)).size).toBe(30);
    const history = (await hal.api.get(`/v1/conversations/${conv}/messages?after=0&limit=200`)).body.items;
    expect(history.length).toBe(30);
    h.close();
  } finally {
    await limited.stop();
  }
});
