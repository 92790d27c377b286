// Bot events under LOG_PLACEMENT=object (src/adapter/workers/conversation-bots.ts), under
// `wrangler dev --persist-to`: entries committed in a conversation's object whose events never
// reached the bots' outbox (what a crash between the commit and the append leaves; here every
// live event is dropped: BOT_TEST_DROP_EVENTS=1) reach each bot once and in order, judged on the
// object's own log and roster:
// - in the same life, by the object's alarm, without another commit; a bot added later from its
//   addition up to its removal;
// - after wrangler is stopped right after the commits and started again without the drop: by the
//   alarm the commits left, again without another commit; then live events follow them, and a
//   further restart appends nothing twice.
import { afterAll, describe, expect, test } from "bun:test";
import { client, register, type TestUser } from "../support/api.ts";
import { createBot, type TestBot } from "../support/bots.ts";
import { TEST_JWT_SECRET, tempDataDir } from "../support/target.ts";
import { startWorkers, type WorkersTarget } from "../support/wrangler.ts";

const VARS = { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", PBKDF2_ITERATIONS: "1000", LOG_PLACEMENT: "object" };
const DROP = { ...VARS, BOT_TEST_DROP_EVENTS: "1" };

const persist = tempDataDir("parley-object-bots-");
let w: WorkersTarget | undefined;
afterAll(async () => {
  await w?.stop();
  persist.remove();
});

/** Clients on the current server (its port changes with every restart). */
const as = (token: string) => client(w!.url, token);

async function send(user: TestUser, conv: string, text: string): Promise<number> {
  const res = await as(user.accessToken).post(`/v1/conversations/${conv}/messages`, { clientId: crypto.randomUUID(), body: { type: "text", text } });
  expect(res.status).toBe(201);
  return res.body.seq;
}

/** The seqs of the entries in the bot's pending updates, with each text entry's text. */
async function entries(bot: TestBot): Promise<[number, string][]> {
  const res = await as(bot.token).get("/v1/updates?limit=100");
  expect(res.status).toBe(200);
  return res.body.items.filter((e: any) => e.type === "entry").map((e: any) => [e.entry.seq, e.entry.body.type === "text" ? e.entry.body.text : e.entry.body.type]);
}

async function entriesOnce(bot: TestBot, count: number, what: string, ms = 20_000): Promise<[number, string][]> {
  const until = Date.now() + ms;
  for (;;) {
    const got = await entries(bot);
    if (got.length >= count) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(got)}`);
    await Bun.sleep(200);
  }
}

describe("Workers, bot events with the log in each conversation's object", () => {
  let owner: TestUser;
  let bot: TestBot;
  let conv: string;
  let expected: [number, string][];

  test("events the live path never appended reach the bots through the alarm, once, in order, each from its addition to its removal", async () => {
    w = await startWorkers({ persistDir: persist.dir, vars: DROP });
    owner = await register(w.url);
    bot = await createBot(owner, { events: ["entry"] });
    const late = await createBot(owner, { events: ["entry"] });
    const created = await as(owner.accessToken).post("/v1/conversations", { kind: "group", title: "crash window", members: [bot.id] });
    expect(created.status).toBe(201);
    conv = created.body.id;
    expected = [];
    for (const text of ["m1", "m2"]) expected.push([await send(owner, conv, text), text]);
    const added = await as(owner.accessToken).post(`/v1/conversations/${conv}/members`, { users: [late.id] });
    expect(added.status).toBe(201);
    expected.push([added.body.seq, "members_added"]);
    for (const text of ["m3", "m4"]) expected.push([await send(owner, conv, text), text]);
    const removed = await as(owner.accessToken).delete(`/v1/conversations/${conv}/members/${late.id}`);
    expect(removed.status).toBe(201);
    expected.push([removed.body.seq, "member_removed"]);
    const toLate = expected.slice(2);
    expected.push([await send(owner, conv, "m5"), "m5"]);
    expect(await entriesOnce(bot, expected.length, "the first bot's events")).toEqual(expected);
    // the bot added later hears from its addition up to its removal
    expect(await entriesOnce(late, toLate.length, "the added bot's events")).toEqual(toLate);
    await Bun.sleep(1000);
    expect(await entries(late)).toEqual(toLate);
  }, 60_000);

  test("stopped right after commits it never appended, started again: the alarm they left brings them; live ones follow; nothing twice", async () => {
    const before = [...expected];
    for (const text of ["m6", "m7", "m8"]) expected.push([await send(owner, conv, text), text]);
    // stopped before this life's alarm: the outbox has none of them
    expect(await entries(bot)).toEqual(before);
    await w!.stop();
    w = await startWorkers({ persistDir: persist.dir, vars: VARS });
    expect(await entriesOnce(bot, expected.length, "the events after the restart")).toEqual(expected);
    expected.push([await send(owner, conv, "m9"), "m9"]);
    expect(await entriesOnce(bot, expected.length, "the live event")).toEqual(expected);
    await w!.stop();
    w = await startWorkers({ persistDir: persist.dir, vars: VARS });
    expect(await entries(bot)).toEqual(expected);
  }, 90_000);
});
