// A webhook endpoint for tests: a real HTTP server on 127.0.0.1 that records every call and
// answers as `respond` says (fail on purpose, be slow, ...).
import { createHmac, timingSafeEqual } from "node:crypto";

export interface Received {
  at: number;
  headers: Headers;
  body: string;
  json: any;
  /** the status it was answered with */
  status: number;
}

/** The README's verifier: true when `signature` is Parley's HMAC of `body` under `secret`, within 300 s. */
export function verifyParleySignature(secret: string, body: string, signature: string, now = Date.now()): boolean {
  const { t, v1 } = Object.fromEntries(signature.split(",").map((kv) => kv.split("=", 2))) as Record<string, string>;
  if (!t || !v1 || Math.abs(now / 1000 - Number(t)) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function webhookReceiver(respond: (call: { json: any; headers: Headers; n: number }) => number | Promise<number> = () => 200) {
  const calls: Received[] = [];
  let n = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = await req.text();
      let json: any = null;
      try {
        json = JSON.parse(body);
      } catch {}
      const status = await respond({ json, headers: req.headers, n: n++ });
      calls.push({ at: Date.now(), headers: req.headers, body, json, status });
      return new Response(status === 200 ? "ok" : "nope", { status });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/hook`,
    calls,
    /** the calls answered 2xx */
    accepted: () => calls.filter((c) => c.status >= 200 && c.status < 300),
    async until(check: () => boolean, timeoutMs = 20_000, what = "webhook calls"): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${calls.length} calls: ${calls.map((c) => `${c.status} ${c.body.slice(0, 120)}`).join("\n")}`);
        await Bun.sleep(50);
      }
    },
    stop: () => server.stop(true),
  };
}
