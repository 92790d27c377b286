// LOG_PLACEMENT=object: each user's conversation list is kept by the user's object
// (src/adapter/workers/user-list.ts), under `wrangler dev --persist-to`:
// - after sends, reads on another device, clears, hides, recalls, edits, leaving, joining and a rename,
//   every line of the list agrees with its conversation's object (GET …/settings is answered by
//   the conversation's object alone) and shows the last entry the user may see;
// - restarted on the same directory, the lines are there;
// - the list is served from the user's object, not asked of every conversation: a counter changed
//   behind the conversation object's back (in its SQLite file, wrangler stopped) does not show in
//   the list until something tells the user's object to read that line again, and then it does.
import { Database } from "bun:sqlite";
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { client, directConversation, group, registerMany, sleep, type TestUser } from "../support/api.ts";
import { TEST_JWT_SECRET, tempDataDir } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";
import { startWorkers, type WorkersTarget } from "../support/wrangler.ts";

const VARS = { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", PBKDF2_ITERATIONS: "1000", LOG_PLACEMENT: "object" };
const SETTINGS = ["pinned", "mutedUntil", "archived", "hidden", "clearedSeq", "readSeq", "unread", "mentions"] as const;

const sockets = new Sockets();
afterEach(() => sockets.closeAll());
const persist = tempDataDir("parley-object-list-");
let w: WorkersTarget | undefined;
afterAll(async () => {
  await w?.stop();
  persist.remove();
});

const api = (user: TestUser) => client(w!.url, user.accessToken);
const listOf = async (user: TestUser) => {
  const [shown, hidden] = await Promise.all([api(user).get("/v1/conversations"), api(user).get("/v1/conversations?hidden=true")]);
  expect(shown.status).toBe(200);
  return [...shown.body.items, ...hidden.body.items] as any[];
};
const send = async (user: TestUser, conv: string, text: string, mentions?: string[]) => {
  const res = await api(user).post(`/v1/conversations/${conv}/messages`, { clientId: crypto.randomUUID(), body: { type: "text", text, ...(mentions && { mentions }) } });
  expect(res.status).toBe(201);
  return res.body as { seq: number };
};

/**
 * The user's list, once every line agrees with its conversation's object (another user's entry
 * reaches the user's object through the same fan-out as the live frames, a moment after its ack).
 */
async function agreedList(user: TestUser): Promise<any[]> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    const items = await listOf(user);
    const truth = await Promise.all(items.map((c) => api(user).get(`/v1/conversations/${c.id}/settings`)));
    const lines = items.map((c) => Object.fromEntries(SETTINGS.map((k) => [k, c[k]])));
    const objects = truth.map((t) => Object.fromEntries(SETTINGS.map((k) => [k, t.body[k]])));
    if (JSON.stringify(lines) === JSON.stringify(objects)) return items;
    last = { lines, objects };
    await sleep(100);
  }
  throw new Error(`the list never agreed with the conversations' objects: ${JSON.stringify(last)}`);
}
const lineOf = async (user: TestUser, conv: string) => (await agreedList(user)).find((c) => c.id === conv);

/** The SQLite files of the conversations' objects under --persist-to. */
function conversationFiles(): string[] {
  const dir = join(persist.dir, "v3", "do", "parley-ConversationObject");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")
    .map((f) => join(dir, f));
}

describe("Workers, each user's conversation list in the user's object", () => {
  let a: TestUser, b: TestUser, c: TestUser;
  let ab: string, team: string;
  let before: any[];

  test("sends, reads on another device, clears, hides, recalls, edits, leaving and joining: the list agrees with the conversations", async () => {
    w = await startWorkers({ persistDir: persist.dir, vars: VARS });
    [a, b, c] = (await registerMany(w.url, 3)) as [TestUser, TestUser, TestUser];
    ab = await directConversation(a, b);
    team = await group(b, [a, c], "team");

    // sends: others' count, my own does not; mentions of me (of all: in the group, below)
    await send(b, ab, "one");
    await send(b, ab, "two", [a.id]);
    await send(c, team, "hi team");
    const mine = await send(a, team, "from a");
    expect(await lineOf(a, ab)).toMatchObject({ lastSeq: 2, unread: 2, mentions: 1, lastMessage: { seq: 2 } });
    expect(await lineOf(a, team)).toMatchObject({ lastSeq: mine.seq, unread: 1, lastMessage: { seq: mine.seq } });

    // a read on another device (a socket), then the list from HTTP
    const phone = await sockets.hello(w.url, a.accessToken, { device: "phone" });
    const laptop = await sockets.hello(w.url, a.accessToken, { device: "laptop" });
    phone.send({ t: "read", conv: ab, seq: 1 });
    await laptop.waitFor((f) => f.t === "settings" && f.conv === ab && f.readSeq === 1, { what: "the read's settings" });
    expect(await lineOf(a, ab)).toMatchObject({ readSeq: 1, unread: 1, mentions: 1 });

    // an edit: no count, the preview is the edit; a recall takes its entry's counts back
    const three = await send(b, ab, "three", [a.id]);
    expect((await api(b).post(`/v1/conversations/${ab}/messages/${three.seq}/edit`, { clientId: crypto.randomUUID(), text: "three!" })).status).toBe(201);
    expect(await lineOf(a, ab)).toMatchObject({ unread: 2, mentions: 2, lastMessage: { seq: three.seq + 1, body: { type: "edit" } } });
    const recall = await api(b).post(`/v1/conversations/${ab}/messages/${three.seq}/recall`, { clientId: crypto.randomUUID() });
    expect(recall.status).toBe(201);
    expect(await lineOf(a, ab)).toMatchObject({ unread: 1, mentions: 1, lastMessage: { seq: recall.body.seq } });

    // clear and hide: counts and preview go
    expect((await api(a).post(`/v1/conversations/${ab}/clear`, { seq: 2 })).status).toBe(200);
    expect(await lineOf(a, ab)).toMatchObject({ clearedSeq: 2, unread: 0, mentions: 0 });
    const four = await send(b, ab, "four");
    expect(await lineOf(a, ab)).toMatchObject({ unread: 1, lastMessage: { seq: four.seq } });
    expect((await api(a).post(`/v1/conversations/${ab}/messages/${four.seq}/hide`)).status).toBe(200);
    expect(await lineOf(a, ab)).toMatchObject({ unread: 0, lastMessage: null });

    // settings: hidden, back with someone else's next entry; pinned first
    expect((await api(a).patch(`/v1/conversations/${ab}/settings`, { hidden: true, pinned: true })).status).toBe(200);
    expect((await api(a).get("/v1/conversations")).body.items.map((i: any) => i.id)).toEqual([team]);
    await send(b, ab, "five");
    expect((await agreedList(a)).filter((i) => !i.hidden).map((i) => i.id)).toEqual([ab, team]);

    // leaving: what comes after does not count; joining again: counts from there
    expect((await api(b).delete(`/v1/conversations/${team}/members/${a.id}`)).status).toBe(201);
    await send(c, team, "after a left");
    expect(await lineOf(a, team)).toMatchObject({ unread: 1 });
    expect((await api(b).post(`/v1/conversations/${team}/members`, { users: [a.id] })).status).toBe(201);
    expect(await lineOf(a, team)).toMatchObject({ unread: 0, mentions: 0 });
    const back = await send(b, team, "welcome back", ["all"]);
    expect(await lineOf(a, team)).toMatchObject({ unread: 1, mentions: 1, lastSeq: back.seq, lastMessage: { seq: back.seq } });
    expect((await api(a).get("/v1/unread")).body).toEqual({ total: 2, conversations: 2 });
    // a rename: the list shows the new title, nothing more unread
    expect((await api(b).patch(`/v1/conversations/${team}`, { title: "renamed" })).status).toBe(201);
    expect(await lineOf(a, team)).toMatchObject({ title: "renamed", unread: 1 });

    // a conversation the user's object never heard of
    const ac = await directConversation(a, c);
    expect(await lineOf(a, ac)).toMatchObject({ lastSeq: 0, unread: 0, lastMessage: null });
    before = await agreedList(a);
  }, 120_000);

  test("restarted on the same directory: the same list; a counter changed behind the conversation's back shows only once the line is read again", async () => {
    await w!.stop();
    // a's unread in team, changed in the conversation object's own file
    let changed = 0;
    for (const file of conversationFiles()) {
      const db = new Database(file);
      try {
        const has = db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversation_lists'").all().length > 0;
        if (has) changed += db.query("UPDATE conversation_lists SET unread = 77 WHERE conv_id = ? AND user_id = ?").run(team, a.id).changes;
      } finally {
        db.close();
      }
    }
    expect(changed).toBe(1);
    w = await startWorkers({ persistDir: persist.dir, vars: VARS });

    // the list is the user's object's: the same as before the restart, without the 77
    expect(await listOf(a)).toEqual(before);
    expect((await api(a).get(`/v1/conversations/${team}/settings`)).body.unread).toBe(77);
    // an entry of someone else moves the line it has
    await send(c, team, "after the restart");
    for (let i = 0; i < 50 && (await listOf(a)).find((x) => x.id === team).unread !== 2; i++) await sleep(100);
    expect((await listOf(a)).find((x) => x.id === team)).toMatchObject({ unread: 2 });
    // a settings change is read again from the conversation: now the list says what it holds
    expect((await api(a).patch(`/v1/conversations/${team}/settings`, { archived: true })).body.unread).toBe(78);
    expect(await lineOf(a, team)).toMatchObject({ archived: true, unread: 78 });
  }, 120_000);
});
