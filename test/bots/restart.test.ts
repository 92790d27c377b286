// The outbox is in the database: webhook deliveries pending when the server is killed (kill -9)
// are delivered, in order, by the server that starts on the same data.
import { afterAll, expect, test } from "bun:test";
import { group, register, sendText, type TestUser } from "../support/api.ts";
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
