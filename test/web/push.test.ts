// Push notifications in the web app, in Chromium on Bun. Chromium's own push service is Google's
// (unreachable here, and Playwright's contexts are incognito, where Chromium refuses the Push API),
// so PushManager.subscribe is stood in for by a subscription of the test's push service
// (test/support/push-receiver.ts); everything else is real: the app's setting asks permission,
// registers /sw.js under the page's CSP, subscribes with the server's key and hands the
// subscription to Parley; with the page closed, a message reaches the push service encrypted for
// that subscription; and the service worker, handed that payload through the DevTools protocol
// (ServiceWorker.deliverPushMessage), shows the notification and closes it on `clear`.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { directConversation, register, sendText } from "../support/api.ts";
import { pushReceiver } from "../support/push-receiver.ts";
import { useTarget } from "../support/target.ts";
import { hasChromium, launch, Person, screenshots, DESKTOP } from "./browser.ts";

const t = useTarget("bun", { PUSH_ALLOW_LOCALHOST: "1" });
const push = pushReceiver();
const shot = screenshots("push");
let browser: Browser | undefined;

beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  push.stop();
});

test.skipIf(!hasChromium)("the app's setting subscribes this browser; the service worker shows and clears what is pushed", async () => {
  const origin = t.url.replace("127.0.0.1", "localhost");
  const alice = await register(origin, { displayName: "Alice" });
  const bob = await register(origin, { displayName: "Bob" });
  const key = (await bob.api.get("/v1/push/vapid-key")).body.publicKey as string;
  push.expectKey(key);
  const device = push.device("bobs-browser");

  const person = await Person.open(browser!, "Bob", origin, DESKTOP);
  const { page } = person;
  await page.context().grantPermissions(["notifications"], { origin });
  // The stand-in for Chromium's push service: a subscription of the test's, made with the key asked for.
  await page.addInitScript((sub) => {
    // kept across page loads, as a browser keeps its subscriptions
    const made = () => {
      const key = localStorage.getItem("test:subscribed");
      if (key === null) return null;
      const asked = Uint8Array.from(atob(key), (c) => c.charCodeAt(0));
      const unsubscribe = async () => (localStorage.removeItem("test:subscribed"), true);
      return { endpoint: sub.endpoint, options: { applicationServerKey: asked.buffer }, toJSON: () => sub, unsubscribe } as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async () => made();
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      const asked = new Uint8Array(options!.applicationServerKey as ArrayBuffer);
      localStorage.setItem("test:subscribed", btoa(String.fromCharCode(...asked)));
      (window as any).__askedKey = btoa(String.fromCharCode(...asked)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      return made()!;
    };
  }, device.subscription);
  await page.reload();
  await person.logIn(bob.username, bob.password);

  await page.getByRole("button", { name: "Enable notifications" }).click();
  await page.getByRole("button", { name: "Notifications on" }).waitFor();
  expect(await page.getByRole("button", { name: "Notifications on" }).getAttribute("aria-pressed")).toBe("true");
  expect(await page.evaluate(() => (window as any).__askedKey)).toBe(key);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration("/"))?.active?.scriptURL)).toBe(`${origin}/sw.js`);
  await shot("notifications-on", person);

  // Bob's page closes (no socket left): Alice's message is pushed to his browser's subscription.
  const conv = await directConversation(alice, bob);
  await page.goto("about:blank");
  await Bun.sleep(300);
  const sent = await sendText(alice, conv, "are you there, Bob?");
  await push.until(() => push.of(device.name).length >= 1, "the push to Bob's browser");
  const payload = push.of(device.name)[0]!.payload;
  expect(payload).toMatchObject({ t: "entry", conv, seq: sent.seq, sender: { id: alice.id, name: "Alice" }, preview: "are you there, Bob?" });

  // The service worker gets that payload as the push service would deliver it.
  await page.goto(origin + "/");
  const cdp = await page.context().newCDPSession(page);
  const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
  await cdp.send("ServiceWorker.enable");
  const deadline = Date.now() + 5000;
  while (!registrations.some((r) => r.scopeURL === `${origin}/` && !r.isDeleted) && Date.now() < deadline) await Bun.sleep(50);
  const { registrationId } = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted)!;
  const shown = () =>
    page.evaluate(async (tag) => (await (await navigator.serviceWorker.ready).getNotifications({ tag })).map((n) => ({ title: n.title, body: n.body })), conv);
  await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId, data: JSON.stringify(payload) });
  let notes = await shown();
  for (let i = 0; notes.length === 0 && i < 40; i++) notes = (await Bun.sleep(50), await shown());
  expect(notes).toEqual([{ title: "Alice", body: "are you there, Bob?" }]);

  // Read on another device: the server pushes `clear`, and the service worker closes the notification.
  await bob.api.post(`/v1/conversations/${conv}/read`, { seq: sent.seq });
  await push.until(() => push.of(device.name).length >= 2, "the clearing push");
  const clear = push.of(device.name)[1]!.payload;
  expect(clear).toEqual({ t: "clear", conv });
  await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId, data: JSON.stringify(clear) });
  for (let i = 0; notes.length > 0 && i < 40; i++) notes = (await Bun.sleep(50), await shown());
  expect(notes).toEqual([]);

  // Turning the setting off removes the subscription from the server too.
  await page.getByRole("button", { name: "Notifications on" }).click();
  await page.getByRole("button", { name: "Enable notifications" }).waitFor();
  expect((await bob.api.delete("/v1/push/subscriptions", { endpoint: device.subscription.endpoint })).status).toBe(404);
  expect(push.problems).toEqual([]);
  expect(person.problems).toEqual([]);
}, 60_000);
