// Lone surrogates: JSON may carry one as an escape ("\ud800"). Stored, SQLite's JSON functions
// would turn it into invalid UTF-8 that the libSQL driver cannot read back: on Bun the server
// process aborted at the next read of that entry. Such strings are refused (invalid_request) over
// HTTP and WebSocket, nothing is stored, and the server goes on; a surrogate pair (an emoji) is fine,
// and counts as one character.
import { afterEach, describe, expect, test } from "bun:test";
import { call, directConversation, registerMany, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";

for (const kind of targetKinds()) {
  describe(`lone surrogates [${kind}]`, () => {
    const t = useTarget(kind);
    const sockets = new Sockets();
    afterEach(() => sockets.closeAll());

    test("HTTP: a body with a lone surrogate is refused and stores nothing; an emoji is stored", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      const path = `/v1/conversations/${conv}/messages`;
      for (const text of ["a\\ud800b", "\\udc00", "x\\ud83d"]) {
        const raw = `{"clientId":"c-${text.length}-${text.charCodeAt(1)}","body":{"type":"text","text":"${text}"}}`;
        const res = await call(t.url, "POST", path, { token: a.accessToken, raw });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe("invalid_request");
        expect(res.body.error.message).toContain("lone surrogate");
      }
      const key = await call(t.url, "POST", path, { token: a.accessToken, raw: '{"clientId":"c\\ud800","body":{"type":"text","text":"hi"}}' });
      expect(key.status).toBe(400);
      const emoji = await call(t.url, "POST", path, { token: a.accessToken, raw: '{"clientId":"e1","body":{"type":"text","text":"\\ud83d\\ude00"}}' });
      expect(emoji.status).toBe(201);
      const history = await call(t.url, "GET", path, { token: b.accessToken });
      expect(history.status).toBe(200);
      expect(history.body.items.map((m: any) => m.body.text)).toEqual(["😀"]);
    });

    test("lengths count characters (code points): 16,000 emoji are a text, 16,001 are not", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      const path = `/v1/conversations/${conv}/messages`;
      const send = (clientId: string, text: string) => call(t.url, "POST", path, { token: a.accessToken, json: { clientId, body: { type: "text", text } } });
      expect((await send("max", "😀".repeat(16_000))).status).toBe(201);
      const over = await send("over", "😀".repeat(16_001));
      expect(over.status).toBe(400);
      expect(over.body.error.code).toBe("invalid_request");
      // mixed: a pair counts one, so 15,999 letters and an emoji are 16,000
      expect((await send("mixed", `${"a".repeat(15_999)}😀`)).status).toBe(201);
      expect((await send("mixed-over", `${"a".repeat(16_000)}😀`)).status).toBe(400);
    });

    test("WebSocket: a frame with a lone surrogate is answered invalid_request; the socket goes on", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      const ws = await sockets.hello(t.url, a.accessToken);
      const refused = await ws.request({ t: "send", conv, clientId: "s1", body: { type: "text", text: "a\uD800b" } });
      expect(refused).toMatchObject({ t: "error", code: "invalid_request" });
      const ack = await ws.request({ t: "send", conv, clientId: "s2", body: { type: "text", text: "fine" } });
      expect(ack).toMatchObject({ t: "ack", seq: 1 });
      const history = await call(t.url, "GET", `/v1/conversations/${conv}/messages`, { token: b.accessToken });
      expect(history.body.items.map((m: any) => m.body.text)).toEqual(["fine"]);
    });
  });
}
