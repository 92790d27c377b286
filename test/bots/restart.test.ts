// The outbox is in the database: webhook deliveries pending when the server is killed (kill -9)
// are delivered, in order, by the server that starts on the same data.
import { afterAll, expect, test } from "bun:test";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import { client as apiClient, group, register, sendText, type TestUser } from "../support/api.ts";
import { createBot } from "../support/bots.ts";
import { spawnServer } from "../support/process.ts";
import { tempDataDir } from "../support/target.ts";
import { webhookReceiver } from "../support/webhook-receiver.ts";

const data = tempDataDir();
let up = false;
const hook = webhookReceiver(() => (up ? 200 : 503));
afterAll(() => {
  hook.stop();
  data.remove();
});

test("webhook deliveries pending at a kill -9 are delivered after the restart, in order", async () => {
  const env = { WEBHOOK_ALLOW_PRIVATE: "1" };
  const first = await spawnServer(data.dir, env);
  const owner = await register(first.url);
  const bot = await createBot(owner, { events: ["entry"] });
  const conv = await group(owner, [{ id: bot.id } as TestUser], "durable");
  expect((await owner.api.put(`/v1/bots/${bot.id}/webhook`, { url: hook.url, secret: "a-webhook-secret-of-some-length" })).status).toBe(200);
  const sent = [];
  for (let i = 1; i <= 5; i++) sent.push(await sendText(owner, conv, `m${i}`));
  await hook.until(() => hook.calls.length >= 1, 10_000, "a first (failing) attempt");
  first.proc.kill("SIGKILL");
  await first.proc.exited;
  up = true;
  const second = await spawnServer(data.dir, env);
  try {
    await hook.until(() => hook.accepted().length === 5, 20_000, "the five events after the restart");
    expect(hook.accepted().map((c) => c.json.entry.id)).toEqual(sent.map((m) => m.id));
  } finally {
    await second.stop();
  }
});

test("entries committed but never appended for a bot (a crash between the two) reach it after the restart, once, in order", async () => {
  const dir = tempDataDir();
  try {
    const first = await spawnServer(dir.dir);
    const owner = await register(first.url);
    const bot = await createBot(owner, { events: ["entry"] });
    const conv = await group(owner, [{ id: bot.id } as TestUser], "crash window");
    const live = await sendText(owner, conv, "m1");
    await first.stop();
    // What a process killed between its commit and the append leaves: entries in the log that the
    // bot's outbox never saw.
    const { store, client } = await openLibsql({ dataDir: dir.dir, synchronous: "NORMAL" });
    const missed = await store.messageLog.appendEntries(
      ["m2", "m3", "m4"].map((text) => ({ id: crypto.randomUUID(), conv, sender: owner.id, clientId: crypto.randomUUID(), ts: Date.now(), body: { type: "text" as const, text } })),
    );
    client.close();
    const texts = async (url: string) => {
      const res = await apiClient(url, bot.token).get("/v1/updates");
      expect(res.status).toBe(200);
      return res.body.items.filter((e: any) => e.type === "entry" && e.entry.body.type === "text").map((e: any) => [e.entry.seq, e.entry.body.text]);
    };
    const expected: [number, string][] = [[live.seq, "m1"], ...missed.map((m): [number, string] => [m!.message.seq, (m!.message.body as { text: string }).text])];
    let listed: [number, string][] = [];
    const second = await spawnServer(dir.dir);
    try {
      await waitFor(async () => (await texts(second.url)).length === 4, "the caught-up events");
      expect(await texts(second.url)).toEqual(expected);
      // live events after the catch-up come after it
      const next = await sendText({ ...owner, api: apiClient(second.url, owner.accessToken) }, conv, "m5");
      await waitFor(async () => (await texts(second.url)).length === 5, "the live event");
      listed = await texts(second.url);
      expect(listed).toEqual([...expected, [next.seq, "m5"]]);
    } finally {
      await second.stop();
    }
    // another start finds nothing behind: nothing is appended twice
    const third = await spawnServer(dir.dir);
    try {
      expect(await texts(third.url)).toEqual(listed);
    } finally {
      await third.stop();
    }
  } finally {
    dir.remove();
  }
});

async function waitFor(check: () => Promise<boolean>, what: string, ms = 15_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}
