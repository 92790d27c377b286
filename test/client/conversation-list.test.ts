// The SDK's conversation list: the typed HTTP methods (settings, clear, hide, unread, list filters)
// and the `settings` event on the user's other client, against a real server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ParleyError, type ParleyClient, type ParleyEvents } from "../../src/client/index.ts";
import { registerMany, type TestUser } from "../support/api.ts";
import { startTarget, type Target } from "../support/target.ts";
import { clientFor, text, waitUntil, within } from "./helpers.ts";

let target: Target;
const clients: ParleyClient[] = [];
beforeAll(async () => {
  target = await startTarget("bun");
});
afterAll(async () => {
  for (const c of clients) c.close();
  await target?.stop();
});

test("settings, clear, hide, unread and list filters over HTTP; `settings` events on the user's other client", async () => {
  const [alice, bob] = (await registerMany(target.url, 2)) as [TestUser, TestUser];
  const phone = clientFor(target.url, alice);
  const laptop = clientFor(target.url, alice);
  const b = clientFor(target.url, bob);
  clients.push(phone, laptop, b);
  const seen: ParleyEvents["settings"][] = [];
  laptop.on("settings", (s) => seen.push(s));
  await within(laptop.connect(), "laptop connected");

  const conv = (await phone.api.createConversation({ kind: "direct", with: bob.id })).id;
  const first = await b.api.send(conv, text("one"));
  await b.api.send(conv, text("two"));
  await b.api.send(conv, { type: "text", text: "three", mentions: [alice.id] });
  expect(await phone.api.unread()).toEqual({ total: 3, conversations: 1 });

  const pinned = await phone.api.updateSettings(conv, { pinned: true, mutedUntil: Date.now() + 60_000 });
  expect(pinned).toMatchObject({ conv, pinned: true, unread: 3, mentions: 1 });
  expect(await phone.api.unread()).toEqual({ total: 0, conversations: 0 }); // muted
  const cleared = await phone.api.clearHistory(conv, first.seq);
  expect(cleared).toMatchObject({ clearedSeq: first.seq, unread: 2 });
  const hidden = await phone.api.hideEntry(conv, first.seq + 1);
  expect(hidden).toMatchObject({ hiddenSeq: first.seq + 1, unread: 1, mentions: 1 });
  expect(await phone.api.conversationSettings(conv)).toEqual({ ...cleared, unread: 1, mentions: 1 });
  expect((await phone.api.conversations({ unread: true })).map((c) => c.id)).toEqual([conv]);
  expect(await phone.api.conversations({ archived: true })).toEqual([]);
  await phone.api.markRead(conv, 3);
  expect(await phone.api.conversations({ unread: true })).toEqual([]);

  const afterRead = await phone.api.conversationSettings(conv);
  expect(afterRead).toMatchObject({ readSeq: 3, unread: 0, mentions: 0 });
  await waitUntil(() => seen.length === 4, "four settings events");
  expect(seen).toEqual([pinned, cleared, hidden, afterRead]);
  const refused = await phone.api.clearHistory(conv, 99).catch((e) => e);
  expect(refused).toBeInstanceOf(ParleyError);
  expect(refused).toMatchObject({ code: "invalid_request", status: 400 });
});
