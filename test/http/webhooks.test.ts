// Webhooks (docs/protocol.md "Webhooks"): signed deliveries, retries with backoff, order per
// conversation (a failing event holds back the later ones of its conversation, not the others),
// failures after the retry window, and the URLs Parley refuses to call (SSRF) or, in production
// mode, anything but https. The receiver is a real local server that fails on purpose.
import { afterAll, describe, expect, test } from "bun:test";
import { metric, scrape } from "../../bench/lib/metrics.ts";
import { expectError, group, register, sendText, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { verifyParleySignature, webhookReceiver } from "../support/webhook-receiver.ts";
import { createBot } from "../support/bots.ts";

const SECRET = "a-webhook-secret-of-some-length";
const asUser = (id: string) => ({ id }) as TestUser;

for (const kind of targetKinds()) {
  describe(`webhooks [${kind}]`, () => {
    // a receiver on this machine: private addresses allowed; retries end after 4 s
    const t = useTarget(kind, { WEBHOOK_ALLOW_PRIVATE: "1", WEBHOOK_RETRY_FOR_S: "4" });
    const receivers: ReturnType<typeof webhookReceiver>[] = [];
    const receiver = (...args: Parameters<typeof webhookReceiver>) => {
      const r = webhookReceiver(...args);
      receivers.push(r);
      return r;
    };
    afterAll(() => receivers.forEach((r) => r.stop()));

    test("each event is POSTed with Parley-Event-Id and a Parley-Signature that verifies; GET shows the webhook", async () => {
      const hook = receiver();
      const owner = await register(t.url);
      const bot = await createBot(owner);
      const set = await owner.api.put(`/v1/bots/${bot.id}/webhook`, { url: hook.url, secret: SECRET });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ url: hook.url, events: ["entry", "conversation"], lastError: null });
      const conv = await group(owner, [asUser(bot.id)], "signed");
      const m = await sendText(owner, conv, "signed, sealed");
      await hook.until(() => hook.calls.length >= 2);
      const [created, entry] = hook.calls;
      expect(created!.json).toMatchObject({ type: "conversation", conv });
      expect(entry!.json).toMatchObject({ type: "entry", conv, entry: { id: m.id, seq: m.seq, body: { text: "signed, sealed" } } });
      for (const call of hook.calls) {
        expect(call.headers.get("Parley-Event-Id")).toBe(String(call.json.id));
        expect(verifyParleySignature(SECRET, call.body, call.headers.get("Parley-Signature")!)).toBe(true);
        expect(verifyParleySignature("another secret", call.body, call.headers.get("Parley-Signature")!)).toBe(false);
        expect(verifyParleySignature(SECRET, `${call.body} `, call.headers.get("Parley-Signature")!)).toBe(false);
      }
      const signed = Number(entry!.headers.get("Parley-Signature")!.match(/t=(\d+)/)![1]);
      expect(Math.abs(signed - Date.now() / 1000)).toBeLessThan(60);
      expect((await owner.api.get(`/v1/bots/${bot.id}/webhook`)).body).toMatchObject({ url: hook.url, pending: 0 });
      // while a webhook is set, nothing is polled
      expectError(await bot.api.get("/v1/updates"), 409, "conflict");
      expect((await owner.api.delete(`/v1/bots/${bot.id}/webhook`)).status).toBe(204);
      expect((await bot.api.get("/v1/updates")).status).toBe(200);
    });

    test("a failed delivery is retried within seconds; a failing conversation holds back its later events, not the others'", async () => {
      let failuresLeft = 2;
      let slow = "";
      const hook = receiver(({ json }) => (json?.conv === slow && json?.entry?.body?.text === "a1" && failuresLeft-- > 0 ? 500 : 200));
      const owner = await register(t.url);
      const bot = await createBot(owner, { events: ["entry"] });
      const [a, b] = [await group(owner, [asUser(bot.id)], "a"), await group(owner, [asUser(bot.id)], "b")];
      slow = a;
      expect((await owner.api.put(`/v1/bots/${bot.id}/webhook`, { url: hook.url, secret: SECRET })).status).toBe(200);
      for (const text of ["a1", "a2", "a3"]) await sendText(owner, a, text);
      await sendText(owner, b, "b1");
      await hook.until(() => hook.accepted().filter((c) => c.json.conv === a).length === 3, 25_000, "a1..a3 delivered");
      const texts = (calls: typeof hook.calls) => calls.map((c) => c.json.entry.body.text);
      // every call for `a` until a1 was taken was a1 itself; then in order
      const forA = hook.calls.filter((c) => c.json.conv === a);
      expect(texts(forA)).toEqual(["a1", "a1", "a1", "a2", "a3"]);
      expect(forA[1]!.at - forA[0]!.at).toBeLessThan(30_000); // the first retry
      // b1 did not wait for a1
      const b1 = hook.accepted().find((c) => c.json.conv === b)!;
      expect(b1.at).toBeLessThan(hook.accepted().find((c) => c.json.conv === a)!.at);
      // ids stay the same across retries
      expect(new Set(forA.slice(0, 3).map((c) => c.json.id)).size).toBe(1);
      const info = (await owner.api.get(`/v1/bots/${bot.id}/webhook`)).body;
      expect(info.lastError).toBe("HTTP 500");
      expect(typeof info.lastErrorAt).toBe("number");
    });

    test("after the retry window an event is listed in failures with its last error, and its conversation goes on", async () => {
      let down = true;
      const hook = receiver(() => (down ? 503 : 200));
      // Bun counts the outcomes in /metrics (Workers have no Prometheus text)
      const counted = async () => {
        const m = kind === "bun" ? await scrape(t.url) : [];
        return (result: string) => metric(m, "parley_webhook_deliveries_total", { result });
      };
      const before = await counted();
      const owner = await register(t.url);
      const bot = await createBot(owner, { events: ["entry"] });
      const conv = await group(owner, [asUser(bot.id)], "down");
      expect((await owner.api.put(`/v1/bots/${bot.id}/webhook`, { url: hook.url, secret: SECRET })).status).toBe(200);
      const lost = await sendText(owner, conv, "into the void");
      let failures: any[] = [];
      for (let i = 0; i < 200 && failures.length === 0; i++) {
        await Bun.sleep(100);
        failures = (await owner.api.get(`/v1/bots/${bot.id}/webhook/failures`)).body.items;
      }
      expect(failures).toMatchObject([{ event: { type: "entry", conv, entry: { id: lost.id } }, lastError: "HTTP 503" }]);
      expect(failures[0].attempts).toBeGreaterThanOrEqual(2);
      down = false;
      await sendText(owner, conv, "back again");
      await hook.until(() => hook.accepted().length === 1);
      expect(hook.accepted()[0]!.json.entry.body.text).toBe("back again");
      if (kind === "bun") {
        const after = await counted();
        const grew = (result: string) => after(result) - before(result);
        // other tests of this server may deliver meanwhile: at least what this one caused
        expect(grew("failed")).toBeGreaterThanOrEqual(1);
        expect(grew("retried")).toBeGreaterThanOrEqual(1);
        expect(grew("delivered")).toBeGreaterThanOrEqual(1);
      }
      // the bot itself may read its failures with the manage scope
      const manager = await createBot(owner, { scopes: ["manage"] });
      expect((await manager.api.get(`/v1/bots/${manager.id}/webhook/failures`)).status).toBe(200);
      expectError(await manager.api.get(`/v1/bots/${bot.id}/webhook/failures`), 404, "not_found");
    });
  });

  describe(`webhook URLs [${kind}]`, () => {
    const t = useTarget(kind);

    test("URLs that reach loopback, private, link-local, CGNAT or metadata addresses are refused, in every spelling", async () => {
      const owner = await register(t.url);
      const bot = await createBot(owner);
      const refused = [
        "http://127.0.0.1:8080/hook",
        "http://2130706433/", // 127.0.0.1 as one decimal number
        "http://0x7f.0.0.1/", // hex
        "http://0177.0.0.1/", // octal
        "http://127.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/", // IPv4-mapped IPv6
        "http://[::ffff:7f00:1]/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/", // cloud metadata
        "http://[fd00:ec2::254]/", // AWS metadata over IPv6
        "http://100.64.0.1/", // CGNAT
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://localhost:3000/",
        "http://metadata.google.internal/",
        "ftp://example.com/",
        "http://user:pass@example.com/",
      ];
      for (const url of refused) {
        const res = await owner.api.put(`/v1/bots/${bot.id}/webhook`, { url, secret: SECRET });
        if (res.status !== 400) throw new Error(`${url}: ${res.status} ${res.text}`);
        expectError(res, 400, "invalid_request");
      }
      expect((await owner.api.get(`/v1/bots/${bot.id}/webhook`)).body.url).toBeNull();
    });

    test("a missing secret, a short one, or no URL is a 400 naming the field", async () => {
      const owner = await register(t.url);
      const bot = await createBot(owner);
      for (const [body, field] of [
        [{ url: "https://example.com/" }, "secret"],
        [{ url: "https://example.com/", secret: "short" }, "secret"],
        [{ secret: SECRET }, "url"],
      ] as const) {
        const res = await owner.api.put(`/v1/bots/${bot.id}/webhook`, body);
        expectError(res, 400, "invalid_request");
        expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
      }
    });
  });

  describe(`webhooks in production mode [${kind}]`, () => {
    const t = useTarget(kind, { NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE: "1" });

    test("only https URLs are accepted", async () => {
      const owner = await register(t.url);
      const bot = await createBot(owner);
      const res = await owner.api.put(`/v1/bots/${bot.id}/webhook`, { url: "http://127.0.0.1:9/hook", secret: SECRET });
      expectError(res, 400, "invalid_request");
      expect(res.body.error.message).toContain("https");
      expect((await owner.api.put(`/v1/bots/${bot.id}/webhook`, { url: "https://127.0.0.1:9/hook", secret: SECRET })).status).toBe(200);
    });
  });
}
