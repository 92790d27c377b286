// The web app on the Workers build under `wrangler dev` (the deployable bundle, its static assets
// from the same web build), in Chromium: the shared chat flow (flow.ts).
import { afterAll, beforeAll, test } from "bun:test";
import type { Browser } from "playwright-core";
import { startTarget, type Target } from "../support/target.ts";
import { hasChromium, launch, screenshots } from "./browser.ts";
import { chatFlow } from "./flow.ts";

let target: Target | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  [target, browser] = await Promise.all([startTarget("workers"), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await target?.stop();
});

test.skipIf(!hasChromium)("Workers: two people chat live; ticks, typing, a group, a reload; HTML stays text", async () => {
  await chatFlow(browser!, target!.url, screenshots("workers"));
}, 60_000);
