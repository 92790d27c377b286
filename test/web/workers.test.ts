// The web app on the Workers build under `wrangler dev` (the deployable bundle, its static assets
// from the same web build), in Chromium: the shared chat flow (flow.ts), and the feature flows
// (contacts, messages, files, groups, search, list settings) as on Bun.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { startTarget, type Target } from "../support/target.ts";
import { hasChromium, launch, screenshots } from "./browser.ts";
import { contactsFlow } from "./contacts.ts";
import { chatFlow } from "./flow.ts";
import { groupsFlow } from "./groups.ts";
import { listFlow } from "./list.ts";
import { messagesFlow } from "./messages.ts";
import { cast, MAX_UPLOAD_BYTES } from "./people.ts";
import { searchFlow } from "./search.ts";
import { uploadsFlow } from "./uploads.ts";

let target: Target | undefined;
let browser: Browser | undefined;
const shot = screenshots("workers");

beforeAll(async () => {
  if (!hasChromium) return;
  [target, browser] = await Promise.all([startTarget("workers", { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) }), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await target?.stop();
});

test.skipIf(!hasChromium)("Workers: two people chat live; ticks, typing, a group, a reload; HTML stays text", async () => {
  await chatFlow(browser!, target!.url, shot);
}, 60_000);

test.skipIf(!hasChromium)("Workers: contacts, replies, reactions, edits, recalls, files, mentions, group management, search, list settings", async () => {
  const people = await cast(browser!, target!.url, shot);
  await contactsFlow(people);
  const direct = await messagesFlow(people);
  await uploadsFlow(people, direct);
  await groupsFlow(people);
  await searchFlow(people, direct);
  await listFlow(people, direct);
  for (const person of [people.ann, people.ben]) expect(person.problems).toEqual([]);
}, 240_000);
