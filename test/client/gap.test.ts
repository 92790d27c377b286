// Cursors, resume and gap filling: whatever the client missed, it ends with each message of a
// conversation exactly once, in seq order.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { MemoryStorage, type ParleyClient } from "../../src/client/index.ts";
import { directConversation, register, sendText, type TestUser } from "../support/api.ts";
import { startTarget, type Target } from "../support/target.ts";
import { clientFor, range, record, text, waitUntil, within } from "./helpers.ts";

let target: Target;
let alice: TestUser;
let bob: TestUser;
const clients: ParleyClient[] = [];
const track = (c: ParleyClient) => (clients.push(c), c);

beforeAll(async () => {
  target = await startTarget("bun");
  [alice, bob] = await Promise.all([register(target.url), register(target.url)]);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await target?.stop();
});

test("messages sent while disconnected arrive after reconnect: exactly 1..n in order", async () => {
  const conv = await directConversation(alice, bob);
  const b = track(clientFor(target.url, bob));
  const rb = record(b);
  await within(b.connect(), "connect");
  for (const i of range(1, 3)) await sendText(alice, conv, `live ${i}`);
  await waitUntil(() => b.cursor(conv) === 3, "cursor 3");

  b.close();
  for (const i of range(4, 40)) await sendText(alice, conv, `missed ${i}`);
  await within(b.connect(), "reconnect");
  await waitUntil(() => b.cursor(conv) === 40, "cursor 40");
  await sendText(alice, conv, "live again");
  await waitUntil(() => b.cursor(conv) === 41, "cursor 41");
  expect(rb.seqs(conv)).toEqual(range(1, 41));
  expect(rb.msgs.map((m) => (m.body.type === "text" ? m.body.text : ""))).toEqual([
    ...range(1, 3).map((i) => `live ${i}`),
    ...range(4, 40).map((i) => `missed ${i}`),
    "live again",
  ]);
});

test("hello carries the stored cursors: the server resumes after them", async () => {
  const [carol, dan] = await Promise.all([register(target.url), register(target.url)]);
  const conv = await directConversation(carol, dan);
  for (const i of range(1, 30)) await sendText(carol, conv, `old ${i}`);
  const storage = new MemoryStorage();
  storage.saveCursor(conv, 7); // e.g. this app held 1..7 before it was closed
  const d = track(clientFor(target.url, dan, { storage }));
  const rd = record(d);
  await within(d.connect(), "connect");
  await waitUntil(() => d.cursor(conv) === 30, "resumed from the stored cursor");
  expect(rd.seqs(conv)).toEqual(range(8, 30));
  expect(storage.cursors.get(conv)).toBe(30);
});

test("a live msg past the cursor makes the client page the gap (sync) before emitting", async () => {
  const [carol, dan] = await Promise.all([register(target.url), register(target.url)]);
  const conv = await directConversation(carol, dan);
  for (const i of range(1, 250)) await sendText(carol, conv, `old ${i}`); // more than one sync page
  // No cursor for the conversation: the server only pushes live messages, so the first one
  // (seq 251) is past cursor 0 and the client syncs 1..250 first (startFrom "beginning").
  const fresh = track(clientFor(target.url, dan));
  const rf = record(fresh);
  await within(fresh.connect(), "fresh connects");
  await sendText(carol, conv, "new");
  await waitUntil(() => fresh.cursor(conv) === 251, "fresh filled the gap", 10_000);
  expect(rf.seqs(conv)).toEqual(range(1, 251));
  expect(rf.msgs.at(-1)!.body).toEqual(text("new"));

  // startFrom "first-seen": only from the first message heard.
  const live = track(clientFor(target.url, dan, { startFrom: "first-seen" }));
  const rl = record(live);
  await within(live.connect(), "live connects");
  await sendText(carol, conv, "newer");
  await waitUntil(() => live.cursor(conv) === 252 && fresh.cursor(conv) === 252, "both at 252");
  expect(rl.seqs(conv)).toEqual([252]);
  expect(rf.seqs(conv)).toEqual(range(1, 252));
});

test("a restarted app resumes from its stored cursors and resends its stored outbox", async () => {
  const [erin, finn] = await Promise.all([register(target.url), register(target.url)]);
  const conv = await directConversation(erin, finn);
  const storage = new MemoryStorage();
  const first = track(clientFor(target.url, erin, { storage }));
  await within(first.connect(), "connect");
  await first.send(conv, text("one"));
  await sendText(finn, conv, "two");
  await waitUntil(() => storage.cursors.get(conv) === 2, "cursor persisted");
  first.close();

  // A send while closed stays in the (persisted) outbox; finn sends meanwhile; the app restarts.
  void first.send(conv, text("three")); // belongs to the closed client: stays pending by design
  expect(storage.loadOutbox().map((e) => e.body)).toEqual([text("three")]);
  await sendText(finn, conv, "four");

  const second = track(clientFor(target.url, erin, { storage }));
  const r = record(second);
  await within(second.connect(), "restarted app connects");
  await waitUntil(() => storage.outbox.size === 0 && second.cursor(conv) === 4, "outbox flushed, cursor 4");
  expect(r.acks.map((a) => a.seq)).toEqual([4]);
  expect(r.msgs.map((m) => [m.seq, m.sender, m.body])).toEqual([
    [3, finn.id, text("four")],
    [4, erin.id, text("three")],
  ]);
  const history = (await erin.api.get(`/v1/conversations/${conv}/messages?after=0`)).body.items;
  expect(history.map((m: { seq: number }) => m.seq)).toEqual(range(1, 4));
});

test("a stored cursor for a conversation the user cannot read is answered with an error and dropped", async () => {
  const [gus] = await Promise.all([register(target.url)]);
  const storage = new MemoryStorage();
  storage.saveCursor("no-such-conversation", 3);
  const g = track(clientFor(target.url, gus, { storage }));
  const r = record(g);
  await within(g.connect(), "connect");
  await waitUntil(() => r.errors.length === 1, "the resume error");
  expect(["not_found", "forbidden"]).toContain(r.errors[0]!.code);
  expect(r.errors[0]!.details).toMatchObject({ conversations: ["no-such-conversation"] });
  expect(g.cursor("no-such-conversation")).toBeUndefined();
  expect(storage.cursors.has("no-such-conversation")).toBe(false);
  expect(g.state).toBe("open");
});
