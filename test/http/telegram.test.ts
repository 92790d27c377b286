// The Telegram-compatible endpoint (docs/protocol.md "Telegram-compatible endpoint"): a real,
// unmodified grammY bot whose only change is its API root echoes what a person sends it over
// the WebSocket, by long polling and by webhook; and the surface itself: envelope, id aliases,
// JSON, form, multipart and gzip bodies, and bad input.
import { afterAll, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { Bot, webhookCallback } from "grammy";
import { call, directConversation, group, register, sendText, type TestUser } from "../support/api.ts";
import { createBot, type TestBot } from "../support/bots.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { WsClient } from "../support/ws.ts";

const tg = (base: string, token: string, method: string, init: RequestInit = {}) =>
  fetch(`${base}/tg/bot${token}/${method}`, { method: "POST", ...init }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
const json = (body: unknown): RequestInit => ({ headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/** The bot's updates once one of them carries a message: events are appended after the commit, off the send's answer. */
async function messageUpdates(base: string, token: string, init: RequestInit = {}): Promise<any[]> {
  for (const until = Date.now() + 10_000; Date.now() < until; await Bun.sleep(50)) {
    const result = (await tg(base, token, "getUpdates", init)).body.result as any[];
    if (result.some((u) => u.message)) return result.filter((u) => u.message);
  }
  throw new Error("no update with a message within 10 s");
}

/** The echo bot, as anyone would write it for Telegram: it echoes texts (naming the one replied to) and edits. */
function echoBot(token: string, apiRoot: string): Bot {
  const bot = new Bot(token, { client: { apiRoot } });
  bot.on("message:text", (ctx) => {
    const to = ctx.message.reply_to_message?.text;
    return ctx.reply(`echo: ${ctx.message.text}${to ? ` (to: ${to})` : ""}`, { reply_parameters: { message_id: ctx.message.message_id } });
  });
  bot.on("edited_message:text", (ctx) => ctx.reply(`edited: ${ctx.editedMessage.text}`));
  return bot;
}

/** A person's socket sends a text (`body`: another one) to the bot, or `edit` edits one, and waits for the bot's answer to it. */
async function talk(url: string, person: TestUser, bot: TestBot, text: string, more: { body?: object; edit?: { target: number; text: string } } = {}) {
  const conv = await directConversation(person, { id: bot.id } as TestUser);
  const ws = await WsClient.connect(url);
  await ws.hello(person.accessToken);
  const ack = more.edit
    ? (await person.api.post(`/v1/conversations/${conv}/messages/${more.edit.target}/edit`, { clientId: crypto.randomUUID(), text: more.edit.text })).body
    : await ws.request({ t: "send", conv, clientId: crypto.randomUUID(), body: more.body ?? { type: "text", text } });
  expect(ack.seq).toBeGreaterThan(0);
  const answer = await ws.waitFor((f) => f.t === "msg" && f.conv === conv && f.sender === bot.id && f.seq > ack.seq, { what: "the bot's echo", timeoutMs: 20_000 });
  ws.ws.close();
  return { ack, answer };
}

for (const kind of targetKinds()) {
  describe(`telegram [${kind}]`, () => {
    const t = useTarget(kind, { WEBHOOK_ALLOW_PRIVATE: "1" });
    const stops: (() => unknown)[] = [];
    afterAll(async () => {
      for (const stop of stops) await Promise.resolve(stop()).catch(() => {}); // after a failure: the server may be gone
    });

    test("a grammY bot, long polling, echoes what a person sends it over the WebSocket", async () => {
      const person = await register(t.url);
      const bot = await createBot(person);
      const grammy = echoBot(bot.token, `${t.url}/tg`);
      const running = grammy.start({ timeout: 10 });
      stops.push(async () => {
        await grammy.stop();
        await running;
      });
      const { ack, answer } = await talk(t.url, person, bot, "hello, bot");
      expect(answer.body).toEqual({ type: "text", text: "echo: hello, bot", replyTo: ack.seq });
      expect(grammy.botInfo).toMatchObject({ is_bot: true, username: bot.username });
      await grammy.stop(); // confirms what it handled, as it would against Telegram
      await running;
    });

    test("the same bot by webhook: grammY's webhookCallback behind a local server, with a secret token", async () => {
      const person = await register(t.url);
      const bot = await createBot(person);
      const grammy = echoBot(bot.token, `${t.url}/tg`);
      await grammy.init();
      const secretToken = "s3cret_token";
      const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: webhookCallback(grammy, "std/http", { secretToken }) });
      stops.push(() => server.stop(true));
      await grammy.api.setWebhook(`http://127.0.0.1:${server.port}/`, { secret_token: secretToken });
      expect((await grammy.api.getWebhookInfo()).url).toBe(`http://127.0.0.1:${server.port}/`);
      const { ack, answer } = await talk(t.url, person, bot, "hi by webhook");
      expect(answer.body).toEqual({ type: "text", text: "echo: hi by webhook", replyTo: ack.seq });
      // what an update says of other entries (the one replied to, the one edited) is read from the log too
      const reply = await talk(t.url, person, bot, "a reply", { body: { type: "text", text: "a reply", replyTo: answer.seq } });
      expect(reply.answer.body).toEqual({ type: "text", text: "echo: a reply (to: echo: hi by webhook)", replyTo: reply.ack.seq });
      const edit = await talk(t.url, person, bot, "", { edit: { target: ack.seq, text: "hi, edited" } });
      expect(edit.answer.body).toEqual({ type: "text", text: "edited: hi, edited" });
      // polling while a webhook is set is refused as Telegram does
      expect(await tg(t.url, bot.token, "getUpdates")).toMatchObject({ status: 409, body: { ok: false, error_code: 409 } });
      await grammy.api.deleteWebhook();
      expect((await grammy.api.getWebhookInfo()).url).toBe("");
    });

    test("the envelope, ids as stable integers, and every kind of body (JSON, form, multipart, gzip, query)", async () => {
      const person = await register(t.url, { displayName: "Ada Lovelace" });
      const bot = await createBot(person, { displayName: "Echo" });
      const me = await tg(t.url, bot.token, "getMe");
      expect(me).toMatchObject({ status: 200, body: { ok: true, result: { is_bot: true, first_name: "Echo", username: bot.username } } });
      expect(Number.isSafeInteger(me.body.result.id)).toBe(true);
      expect((await tg(t.url, bot.token, "getMe")).body.result.id).toBe(me.body.result.id);
      const conv = await directConversation(person, { id: bot.id } as TestUser);
      const m = await sendText(person, conv, "first");
      const updates = await messageUpdates(t.url, bot.token, json({ allowed_updates: ["message"] }));
      expect(updates).toMatchObject([{ message: { message_id: m.seq, text: "first", from: { is_bot: false, first_name: "Ada", last_name: "Lovelace" }, chat: { type: "private" } } }]);
      const chatId: number = updates[0].message.chat.id;
      expect(chatId).toBe(updates[0].message.from.id); // a private chat is the user's id, as in Telegram
      expect(updates[0].message.date).toBe(Math.floor(updates[0].message.date));
      const sends: [string, RequestInit][] = [
        ["json", json({ chat_id: chatId, text: "as json" })],
        ["form", { headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ chat_id: String(chatId), text: "as form" }) }],
        ["multipart", { body: (() => { const f = new FormData(); f.set("chat_id", String(chatId)); f.set("text", "as multipart"); return f; })() }],
        ["gzip", { headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" }, body: gzipSync(JSON.stringify({ chat_id: chatId, text: "as gzip", parse_mode: "HTML" })) }],
      ];
      for (const [how, init] of sends) {
        const res = await tg(t.url, bot.token, "sendMessage", init);
        if (res.status !== 200) throw new Error(`${how}: ${res.status} ${JSON.stringify(res.body)}`);
        expect(res.body.result).toMatchObject({ chat: { id: chatId, type: "private" }, from: { is_bot: true }, text: `as ${how}` });
      }
      const viaQuery = await fetch(`${t.url}/tg/bot${bot.token}/sendMessage?chat_id=${chatId}&text=${encodeURIComponent("<b>as query</b>")}&parse_mode=HTML`).then((r) => r.json() as any);
      expect(viaQuery.result.text).toBe("<b>as query</b>"); // stored as sent
      const items = (await person.api.get(`/v1/conversations/${conv}/messages`)).body.items;
      expect(items.map((e: any) => e.body.text)).toEqual(["first", "as json", "as form", "as multipart", "as gzip", "<b>as query</b>"]);
      // Telegram's calls carry no idempotency key: the server makes time-ordered clientIds (UUIDv7)
      for (const e of items.slice(1)) expect(e.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      // edit, typing, delete (= recall), getChat
      const sent = (await tg(t.url, bot.token, "sendMessage", json({ chat_id: chatId, text: "typo", reply_to_message_id: m.seq }))).body.result;
      expect(sent.reply_to_message).toMatchObject({ message_id: m.seq, text: "first" });
      const edited = await tg(t.url, bot.token, "editMessageText", json({ chat_id: chatId, message_id: sent.message_id, text: "fixed" }));
      expect(edited.body).toMatchObject({ ok: true, result: { message_id: sent.message_id, text: "fixed" } });
      expect(typeof edited.body.result.edit_date).toBe("number");
      expect((await tg(t.url, bot.token, "sendChatAction", json({ chat_id: chatId, action: "typing" }))).body).toEqual({ ok: true, result: true });
      expect((await tg(t.url, bot.token, "deleteMessage", json({ chat_id: chatId, message_id: sent.message_id }))).body).toEqual({ ok: true, result: true });
      const recalled = (await person.api.get(`/v1/conversations/${conv}/messages?after=${sent.message_id - 1}&limit=1`)).body.items[0];
      expect(recalled.recalled).toBe(true);
      expect((await tg(t.url, bot.token, "getChat", json({ chat_id: chatId }))).body.result).toMatchObject({ id: chatId, type: "private", first_name: "Ada" });
      // a group: a negative chat id with its title
      const g = await group(person, [{ id: bot.id } as TestUser], "Lunch");
      await sendText(person, g, "in the group");
      const groupUpdate = (await messageUpdates(t.url, bot.token, json({ offset: updates[0].update_id + 1 }))).at(-1);
      expect(groupUpdate.message.chat).toMatchObject({ type: "group", title: "Lunch" });
      expect(groupUpdate.message.chat.id).toBeLessThan(0);
      expect((await tg(t.url, bot.token, "sendMessage", json({ chat_id: groupUpdate.message.chat.id, text: "hello group" }))).status).toBe(200);
    });

    test("bad input: wrong or revoked token 401, unknown method 404, a missing field 400 naming it, outside its chats or scopes 403 — never a 500", async () => {
      const person = await register(t.url);
      const bot = await createBot(person);
      const readOnly = await createBot(person, { scopes: ["read"] });
      const stranger = await register(t.url);
      expect(await tg(t.url, "pb_nope", "getMe")).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
      expect((await tg(t.url, person.accessToken, "getMe")).status).toBe(401); // a person's JWT is no bot token
      const unknown = await tg(t.url, bot.token, "sendPhoto");
      expect(unknown).toMatchObject({ status: 404, body: { ok: false, error_code: 404 } });
      expect(unknown.body.description).toContain("sendPhoto");
      const missing = await tg(t.url, bot.token, "sendMessage", json({ text: "no chat" }));
      expect(missing).toMatchObject({ status: 400, body: { ok: false, error_code: 400 } });
      expect(missing.body.description).toContain("chat_id");
      const noText = await tg(t.url, bot.token, "sendMessage", json({ chat_id: 1 }));
      expect(noText.body.description).toContain("text");
      expect((await tg(t.url, bot.token, "sendMessage", json({ chat_id: 987654321, text: "x" }))).body).toMatchObject({ ok: false, error_code: 400 });
      expect((await tg(t.url, bot.token, "getUpdates", { headers: { "Content-Type": "application/json" }, body: "{not json" })).status).toBe(400);
      expect((await tg(t.url, bot.token, "getUpdates", { headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" }, body: "not gzip" })).status).toBe(400);
      // a group the bot is not in (its alias is known: the stranger's group had the bot once)
      const g = await group(stranger, [{ id: bot.id } as TestUser], "theirs");
      await sendText(stranger, g, "hi");
      const chat = (await messageUpdates(t.url, bot.token)).at(-1).message.chat.id;
      await stranger.api.delete(`/v1/conversations/${g}/members/${bot.id}`);
      expect((await tg(t.url, bot.token, "sendMessage", json({ chat_id: chat, text: "let me in" }))).body).toMatchObject({ ok: false, error_code: 403 });
      const dm = await directConversation(person, { id: readOnly.id } as TestUser);
      await sendText(person, dm, "hi");
      const readOnlyChat = (await messageUpdates(t.url, readOnly.token))[0].message.chat.id;
      expect((await tg(t.url, readOnly.token, "sendMessage", json({ chat_id: readOnlyChat, text: "no" }))).body).toMatchObject({ ok: false, error_code: 403 });
      // rotation: the old token is 401 at once
      await person.api.post(`/v1/bots/${bot.id}/token`);
      expect((await tg(t.url, bot.token, "getMe")).status).toBe(401);
      const huge = await call(t.url, "POST", `/tg/bot${readOnly.token}/getMe`, { raw: JSON.stringify({ pad: "x".repeat(300_000) }) });
      expect(huge.status).toBe(413);
    });
  });
}
