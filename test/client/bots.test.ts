// The SDK's bot management (src/client/http.ts) against a real server: a person creates,
// lists, rotates and deletes bots and sets their webhook; a bot polls with its token.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ParleyHttp } from "../../src/client/http.ts";
import { directConversation, register, sendText, type TestUser } from "../support/api.ts";
import { startTarget, type Target } from "../support/target.ts";

let target: Target;
beforeAll(async () => {
  target = await startTarget("bun", { WEBHOOK_ALLOW_PRIVATE: "1" });
});
afterAll(() => target?.stop());

const http = (token: string) => new ParleyHttp(target.url, { auth: { token: async () => token, renew: async () => null } });

test("bots through the SDK: create, list, webhook, updates, rotate, delete", async () => {
  const owner = await register(target.url);
  const api = http(owner.accessToken);
  const { bot, token } = await api.createBot({ username: `sdk_${Date.now().toString(36)}`, events: ["entry"] });
  expect(bot).toMatchObject({ bot: true, owner: owner.id, events: ["entry"] });
  expect(await api.bots()).toEqual([bot]);
  const hook = await api.setWebhook(bot.id, { url: "http://127.0.0.1:9/hook", secret: "a-webhook-secret-of-some-length" });
  expect(hook).toMatchObject({ url: "http://127.0.0.1:9/hook", pending: 0 });
  expect((await api.webhook(bot.id)).url).toBe("http://127.0.0.1:9/hook");
  await api.deleteWebhook(bot.id);
  expect(await api.webhookFailures(bot.id)).toEqual([]);
  const conv = await directConversation(owner, { id: bot.id } as TestUser);
  const m = await sendText(owner, conv, "for the sdk");
  const events = await http(token).updates({ timeout: 1 });
  expect(events).toMatchObject([{ type: "entry", entry: { id: m.id } }]);
  const rotated = await api.rotateBotToken(bot.id);
  await expect(http(token).updates()).rejects.toMatchObject({ code: "unauthorized", status: 401 });
  expect(await http(rotated.token).updates({ offset: events[0]!.id + 1 })).toEqual([]);
  await api.deleteBot(bot.id);
  expect(await api.bots()).toEqual([]);
});
