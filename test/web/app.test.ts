// The web app on Bun, in Chromium: the shared chat flow (flow.ts); scrolling back through a long
// history; the server killed (SIGKILL) mid-conversation and restarted on the same port and data,
// after which both pages show every message exactly once, in order, those typed offline with the
// clientId they had; the feature flows (contacts, messages, files, groups, search, the list's
// settings on two pages of one user); and /docs
// renders Swagger UI from Parley's own assets under its CSP.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { freePort } from "../../bench/lib/server.ts";
import type { Message } from "../../src/client/index.ts";
import { call, register } from "../support/api.ts";
import { spawnServer, type ServerProcess } from "../support/process.ts";
import { tempDataDir } from "../support/target.ts";
import { fullHistory } from "../client/helpers.ts";
import { hasChromium, INJECTION, launch, Person, screenshots, type Shown } from "./browser.ts";
import { contactsFlow } from "./contacts.ts";
import { chatFlow, PASSWORD, type Chatting } from "./flow.ts";
import { groupsFlow } from "./groups.ts";
import { listFlow } from "./list.ts";
import { messagesFlow } from "./messages.ts";
import { searchFlow } from "./search.ts";
import { uploadsFlow } from "./uploads.ts";
import { cast, MAX_UPLOAD_BYTES, type Cast } from "./people.ts";

if (!hasChromium) console.warn("SKIP web app tests: /usr/bin/chromium is missing (apt-get install -y chromium)");

const port = freePort();
const origin = `http://localhost:${port}`;
const data = tempDataDir("parley-web-");
let server: ServerProcess | undefined;
let browser: Browser | undefined;
let chatting: Chatting | undefined;
const shot = screenshots("bun");

// The shortest access token lifetime (30 s) is within the SDK's renewal margin, so the pages
// rotate their refresh token on nearly every request: a reload that found a spent one would be
// logged out (and the login revoked).
const start = async () =>
  (server = await spawnServer(data.dir, { PORT: String(port), ACCESS_TOKEN_TTL: "30", MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) }));

beforeAll(async () => {
  if (!hasChromium) return;
  await start();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data.remove();
});

/** An access token of a login of its own (another device of that person). */
async function accessToken(username: string): Promise<string> {
  const res = await call(origin, "POST", "/v1/auth/login", { json: { username, password: PASSWORD } });
  return res.body.accessToken;
}

/** The server's log of a conversation. */
const serverHistory = async (username: string, conv: string) => fullHistory(await accessToken(username), origin, conv);

/** What a page shows equals the server's log: each message once, in order. */
function expectSameAsServer(shown: Shown[], history: Message[]) {
  expect(shown.map((m) => [m.seq, m.clientId, m.text])).toEqual(
    history.map((m) => [m.seq, m.clientId, m.body.type === "text" ? m.body.text : ""]),
  );
}

const convOf = (person: Person) => decodeURIComponent(new URL(person.page.url()).hash.slice("#/c/".length));

test.skipIf(!hasChromium)("two people chat live; ticks, typing, a group, a reload; HTML stays text", async () => {
  chatting = await chatFlow(browser!, origin, shot);
}, 60_000);

test.skipIf(!hasChromium)("scrolling back reads older pages until the first message, each once", async () => {
  const { alice, bob, usernames } = chatting!;
  // Back to the direct chat on both sides.
  await alice.page.locator(".conv-item", { hasText: "Hello Alice" }).click();
  await alice.opened("Bob");
  await bob.page.getByRole("link", { name: "Back to conversations" }).click();
  await bob.page.locator(".conv-item", { hasText: "Hello Alice" }).click();
  await bob.page.locator(".conv-header h2", { hasText: "Alice" }).waitFor();
  const conv = convOf(alice);

  // 120 more from Alice's other device (plain HTTP): her page shows them live. Bob reloads while
  // the last ones stream in, so his newest page and the live messages overlap.
  const token = await accessToken(usernames.alice);
  const sendBulk = async (from: number, to: number) => {
    for (let i = from; i <= to; i++) {
      const res = await call(origin, "POST", `/v1/conversations/${conv}/messages`, { token, json: { clientId: `bulk-${i}`, body: { type: "text", text: `bulk ${i}` } } });
      expect(res.status).toBe(201);
      await Bun.sleep(i > 100 ? 10 : 0);
    }
  };
  await sendBulk(1, 100);
  await Promise.all([sendBulk(101, 120), bob.page.reload()]);
  await alice.until("the bulk, live", (s) => s.at(-1)?.text === "bulk 120");

  // Bob has the newest page (and what came live); scrolling up reads the rest.
  const first = await bob.until("the newest page", (s) => s.at(-1)?.text === "bulk 120");
  expect(first.length).toBeLessThan(123);
  await bob.page.locator(".messages").focus();
  for (let i = 0; i < 10 && !(await bob.page.getByText("This is the start of the conversation.").isVisible()); i++) {
    await bob.page.keyboard.press("Home"); // keyboard scrolling, as a reader would
    await Bun.sleep(150);
  }
  await shot("scrolled-back", bob);
  expectSameAsServer(await bob.until("all of it", (s) => s.length === 123), await serverHistory(usernames.bob, conv));
}, 30_000);

const BURST = 20;

test.skipIf(!hasChromium)("the server is killed mid-conversation and restarted: nothing lost or doubled", async () => {
  const { alice, bob, usernames } = chatting!;
  const conv = convOf(alice);
  expect(convOf(bob)).toBe(conv);

  // A burst typed into Alice's page (Enter after each), and the kill lands while it is in flight.
  await alice.page.evaluate((n) => {
    const box = document.querySelector<HTMLTextAreaElement>(".composer textarea")!;
    for (let i = 1; i <= n; i++) {
      box.value = `burst ${i}`;
      box.dispatchEvent(new Event("input", { bubbles: true }));
      box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    }
  }, BURST);
  server!.proc.kill("SIGKILL");
  await server!.proc.exited;
  const unackedAtKill = (await alice.shown()).filter((m) => m.seq === null).length;
  await alice.page.getByText("Connection lost. Reconnecting…").waitFor();
  await bob.page.getByText("Connection lost. Reconnecting…").waitFor();

  // Typed while the server is down: they wait in the outbox, shown as sending.
  await alice.send("offline from alice 1");
  await alice.send("offline from alice 2");
  await bob.send("offline from bob");
  const waitingA = await alice.until("offline ones pending", (s) => s.filter((m) => m.state === "sending").length >= 2);
  const waitingB = await bob.until("offline one pending", (s) => s.at(-1)?.state === "sending");
  await shot("offline", alice, bob);
  const pendingIds = [...waitingA, ...waitingB].filter((m) => m.seq === null).map((m) => m.clientId);

  await start();
  await alice.page.getByText("Connection lost. Reconnecting…").waitFor({ state: "hidden", timeout: 15_000 });
  await bob.page.getByText("Connection lost. Reconnecting…").waitFor({ state: "hidden", timeout: 15_000 });
  const total = 123 + BURST + 3;
  const [shownA, shownB] = await Promise.all([
    alice.until("everything, once", (s) => s.length === total && s.every((m) => m.seq !== null)),
    bob.until("everything, once", (s) => s.length === total && s.every((m) => m.seq !== null)),
  ]);
  await shot("recovered", alice, bob);

  const history = await serverHistory(usernames.alice, conv);
  expectSameAsServer(shownA, history);
  expectSameAsServer(shownB, history);
  // what was typed offline went with the clientId it was shown with
  for (const id of pendingIds) expect(history.filter((m) => m.clientId === id).length).toBe(1);
  const texts = history.slice(123).map((m) => (m.body.type === "text" ? m.body.text : ""));
  // Alice's own stay in the order she typed them; Bob's lands somewhere among them
  expect(texts.filter((t) => t !== "offline from bob")).toEqual([
    ...Array.from({ length: BURST }, (_, i) => `burst ${i + 1}`),
    "offline from alice 1",
    "offline from alice 2",
  ]);
  expect(texts).toContain("offline from bob");
  console.log(`web restart test: ${unackedAtKill} of Alice's ${BURST} burst sends were unacknowledged at the kill`);
  for (const person of [alice, bob]) expect(person.problems).toEqual([]);
}, 45_000);

test.skipIf(!hasChromium)("entries from other devices: a reply, an edit, a reaction, a recall, a rename, a member added", async () => {
  const { alice, bob, usernames } = chatting!;
  for (const person of [alice, bob]) {
    if (person === bob) await bob.page.getByRole("link", { name: "Back to conversations" }).click();
    await person.page.locator(".conv-item", { hasText: "Team" }).click();
    await person.opened(`Team ${INJECTION}`);
  }
  const conv = convOf(alice);
  const [a, b] = await Promise.all([accessToken(usernames.alice), accessToken(usernames.bob)]);
  const hello = (await alice.shown()).find((m) => m.text === "group hello")!;
  const path = `/v1/conversations/${conv}`;
  const entry = async (token: string, method: string, to: string, json?: unknown) => {
    const res = await call(origin, method, path + to, { token, json });
    expect({ to, status: res.status }).toEqual({ to, status: method === "PATCH" || to === "/members" ? res.status : 201 });
    return res.body;
  };

  const reply = await entry(b, "POST", "/messages", { clientId: "reply-1", body: { type: "text", text: "a reply", replyTo: hello.seq } });
  await alice.page.locator(".msg .quote", { hasText: "group hello" }).waitFor();
  await entry(a, "POST", `/messages/${hello.seq}/edit`, { clientId: "edit-1", text: `edited ${INJECTION}` });
  await entry(b, "PUT", `/messages/${hello.seq}/reactions/${encodeURIComponent("👍")}?clientId=react-1`);
  for (const person of [alice, bob]) {
    await person.until("the edit", (s) => s.some((m) => m.seq === hello.seq && m.text === `edited ${INJECTION}`));
    await person.page.locator(`.msg[data-seq="${hello.seq}"] .reactions li`, { hasText: "👍 1" }).waitFor();
  }
  await entry(a, "PATCH", "", { title: `Renamed ${INJECTION}` });
  const carol = await register(origin, { displayName: "Carol" });
  await entry(a, "POST", "/members", { users: [carol.id] });
  await entry(b, "POST", `/messages/${reply.seq}/recall`, { clientId: "recall-1" });
  for (const person of [alice, bob]) {
    await person.until("the recall", (s) => s.some((m) => m.seq === reply.seq && m.text === "Message recalled"));
    await person.page.locator(".change", { hasText: `renamed the group to “Renamed ${INJECTION}”` }).waitFor();
    await person.page.locator(".change", { hasText: "added" }).waitFor();
    await person.opened(`Renamed ${INJECTION}`); // the title follows the rename
    // the edits, reactions and recall are folded into their messages, not shown on their own
    expect((await person.shown()).map((m) => m.seq)).toEqual((await person.shown()).map((m) => m.seq).filter((seq) => seq !== null));
    expect(await person.injected()).toEqual({ images: 0, ran: null });
  }
  await alice.page.locator(".conv-status", { hasText: "3 members" }).waitFor();
  await shot("entries", alice, bob);
  for (const person of [alice, bob]) expect(person.problems).toEqual([]);
}, 30_000);

test.skipIf(!hasChromium)("log out ends the login on the server; logging in again shows the conversations", async () => {
  const { alice, usernames } = chatting!;
  expect(alice.refreshes).toBeGreaterThan(0); // the reloads above went on with rotated tokens
  const saved = await alice.savedLogin();
  await alice.page.getByRole("button", { name: "Log out" }).click();
  await alice.page.getByRole("heading", { name: "Log in" }).waitFor();
  expect(await alice.savedLogin()).toBeNull();
  const refresh = await call(origin, "POST", "/v1/auth/refresh", { json: { refreshToken: saved!.refreshToken } });
  expect(refresh.status).toBe(401);

  await alice.logIn(usernames.alice, PASSWORD);
  await alice.page.locator(".conv-item", { hasText: "Bob" }).waitFor();
  await shot("logged-in-again", alice);
  expect(alice.problems).toEqual([]);
}, 30_000);

// The feature flows, in order, with a cast of their own (people.ts): Ann, Ben and Cat.
let people: Cast | undefined;
let direct: string | undefined;

/** A step of the feature flows; neither page may report a problem (a CSP violation, a script error). */
function featureTest(name: string, step: (people: Cast) => Promise<unknown>) {
  test.skipIf(!hasChromium)(name, async () => {
    people ??= await cast(browser!, origin, shot);
    await step(people);
    for (const person of [people.ann, people.ben]) expect(person.problems).toEqual([]);
  }, 60_000);
}

featureTest("contacts: a friend request with a note, live; accept, take back, decline, block, unblock", contactsFlow);
featureTest("messages: reply, reactions, edit (and a refused one), recall, live on the other side", async (people) => {
  direct = await messagesFlow(people);
});
featureTest("files and images: attach, paste, drop; uploading, failed and retried, too large; previews under the CSP", (people) => uploadsFlow(people, direct!));
featureTest("a group: names looked up by id, mentions with suggestions, rename, roles, remove, add, leave, close", groupsFlow);
featureTest("search: a hit opens its conversation at the message, older pages read back; snippets are text", (people) => searchFlow(people, direct!));
featureTest("the list, one user on two pages: pin, mute, archive, read, clear, hide live on the other; marks, order and totals; a reload keeps them", (people) =>
  listFlow(people, direct!),
);

test.skipIf(!hasChromium)("/docs: Swagger UI from Parley's own assets, under the page's CSP", async () => {
  const docs = await Person.open(browser!, "docs", origin, { width: 1100, height: 800 });
  await docs.page.goto(`${origin}/docs`);
  await docs.page.locator(".swagger-ui .info .title", { hasText: "Parley" }).waitFor();
  await docs.page.locator(".opblock-summary-path", { hasText: "/v1/conversations" }).first().waitFor();
  await shot("docs", docs);
  expect(docs.problems).toEqual([]); // no CSP violation, no request to another origin
}, 30_000);
