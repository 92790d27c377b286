// The SDK in Chromium: bundled with Bun.build for the browser, loaded by a page this test serves
// on localhost, connected to a real server (Origin http://localhost:<page port>, allowed by the
// development default). The page sends a message a Bun-side client receives, and receives one.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import type { ParleyClient } from "../../src/client/index.ts";
import { directConversation, register } from "../support/api.ts";
import { startTarget, type Target } from "../support/target.ts";
import { clientFor, record, text, waitUntil, within } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIP browser SDK test: ${CHROMIUM} is missing (apt-get update && apt-get install -y chromium)`);

let target: Target;
let page: ReturnType<typeof Bun.serve> | undefined;
let browser: Browser | undefined;
let bunSide: ParleyClient | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  target = await startTarget("bun");
});
afterAll(async () => {
  bunSide?.close();
  await browser?.close();
  page?.stop(true);
  await target?.stop();
});

/** The SDK as one browser ES module; fails if it pulls in anything Node- or Bun-only. */
async function bundleSdk(): Promise<string> {
  const result = await Bun.build({
    entrypoints: [fileURLToPath(new URL("../../src/client/index.ts", import.meta.url))],
    target: "browser",
    format: "esm",
    minify: true,
  });
  if (!result.success) throw new Error(`Bun.build failed:\n${result.logs.join("\n")}`);
  return result.outputs[0]!.text();
}

/** The page's own origin: index.html, the bundle, and /v1/* passed through to the server (no CORS needed). */
function servePage(sdk: string, api: string) {
  return Bun.serve({
    port: 0,
    hostname: "localhost",
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/") return new Response("<!doctype html><title>parley sdk</title><p>sdk test</p>", { headers: { "Content-Type": "text/html" } });
      if (url.pathname === "/sdk.js") return new Response(sdk, { headers: { "Content-Type": "text/javascript" } });
      if (url.pathname.startsWith("/v1/")) {
        const body = req.method === "GET" ? undefined : await req.arrayBuffer();
        return fetch(api + url.pathname + url.search, { method: req.method, headers: req.headers, body });
      }
      return new Response("not found", { status: 404 });
    },
  });
}

test.skipIf(!hasChromium)("Chromium: the bundled SDK connects, sends and receives", async () => {
  const sdk = await bundleSdk();
  expect(sdk).not.toMatch(/from\s*["'](node:|bun)/);
  page = servePage(sdk, target.url);
  const pageUrl = `http://localhost:${page.port}`;
  const wsUrl = `${target.url.replace(/^http/, "ws")}/v1/ws`;

  const [alice, bob] = await Promise.all([register(target.url), register(target.url)]);
  const conv = await directConversation(alice, bob);
  bunSide = clientFor(target.url, bob, { device: "bun" });
  const rb = record(bunSide);
  await within(bunSide.connect(), "bun side connects");

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const tab = await browser.newPage();
  const logs: string[] = [];
  tab.on("console", (m) => logs.push(m.text()));
  tab.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
  await tab.goto(pageUrl);

  // In the page: log in over HTTP (same origin, proxied), connect the socket (cross-origin), send.
  const sent = await tab.evaluate(
    async ({ username, password, conv, wsUrl }) => {
      const { ParleyClient, WebStorage } = await import("/sdk.js" as string);
      const client = new ParleyClient({ baseUrl: location.origin, wsUrl, device: "chromium", storage: new WebStorage(localStorage) });
      const w = window as unknown as { received: unknown[]; client: unknown };
      w.received = [];
      w.client = client;
      client.on("msg", (m: unknown) => w.received.push(m));
      await client.login({ username, password });
      await client.connect();
      const ack = await client.send(conv, { type: "text", text: "from the browser" });
      return { ack, user: client.user, ua: navigator.userAgent };
    },
    { username: alice.username, password: alice.password, conv, wsUrl },
  ).catch((err) => {
    throw new Error(`${err}\npage console:\n${logs.join("\n")}`);
  });
  expect(sent.user).toBe(alice.id);
  expect(sent.ack).toMatchObject({ conv, seq: 1 });
  expect(sent.ua).toContain("Chrome");

  await waitUntil(() => rb.msgs.length === 1, "the Bun side receives the browser's message");
  expect(rb.msgs[0]).toMatchObject({ conv, seq: 1, sender: alice.id, body: text("from the browser") });

  await bunSide.send(conv, text("from bun"));
  await within(tab.waitForFunction(() => (window as unknown as { received: unknown[] }).received.length === 2), "the page receives");
  const received = await tab.evaluate(() => (window as unknown as { received: { seq: number; sender: string; body: unknown }[] }).received);
  expect(received.map((m) => [m.seq, m.sender, m.body])).toEqual([
    [1, alice.id, text("from the browser")],
    [2, bob.id, text("from bun")],
  ]);
  // The page's cursor was persisted in localStorage by WebStorage.
  const stored = await tab.evaluate(() => localStorage.getItem("parley:cursors"));
  expect(JSON.parse(stored!)).toEqual({ [conv]: 2 });
}, 30_000);
