// Edits, recalls, reactions, replies and mentions as entries of the log (docs/protocol.md
// "Messages: the log of entries"): the rules, the folded state of history pages, a recall that
// really removes the content, idempotent clientIds, bad input, and concurrent changes whose final
// state is the fold of the log.
import { describe, expect, test } from "bun:test";
import { directConversation, expectError, group, registerMany, sendText, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";

const path = (conv: string, seq: number, rest = "") => `/v1/conversations/${conv}/messages/${seq}${rest}`;
const edit = (u: TestUser, conv: string, seq: number, text: string, clientId: string = crypto.randomUUID()) => u.api.post(path(conv, seq, "/edit"), { clientId, text });
const recall = (u: TestUser, conv: string, seq: number, clientId: string = crypto.randomUUID()) => u.api.post(path(conv, seq, "/recall"), { clientId });
const react = (u: TestUser, conv: string, seq: number, emoji: string, on = true) =>
  on ? u.api.put(path(conv, seq, `/reactions/${encodeURIComponent(emoji)}`)) : u.api.delete(path(conv, seq, `/reactions/${encodeURIComponent(emoji)}`));
/** Every entry of the conversation as `u` reads it now. */
async function history(u: TestUser, conv: string) {
  const items: any[] = [];
  for (let after = 0, more = true; more; ) {
    const page = (await u.api.get(`/v1/conversations/${conv}/messages?after=${after}&limit=200`)).body;
    items.push(...page.items);
    more = page.hasMore;
    after = page.items.at(-1)?.seq ?? after;
  }
  return items;
}
const bySeq = async (u: TestUser, conv: string, seq: number) => (await history(u, conv)).find((m) => m.seq === seq);

for (const kind of targetKinds()) {
  describe(`entries [${kind}]`, () => {
    const t = useTarget(kind);

    test("an edit is an entry; history folds the latest text into its target (edited: text, ts, count)", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      const m = await sendText(a, conv, "helo");
      const e1 = await edit(a, conv, m.seq, "hello");
      expect(e1.status).toBe(201);
      expect(e1.body).toMatchObject({ seq: m.seq + 1, sender: a.id, body: { type: "edit", target: m.seq, text: "hello" } });
      const e2 = await edit(a, conv, m.seq, "hello!");
      const target = await bySeq(b, conv, m.seq);
      expect(target.body).toEqual({ type: "text", text: "helo" }); // as stored
      expect(target.edited).toEqual({ text: "hello!", ts: e2.body.ts, count: 2 });
      // the same clientId again: the original entry, nothing new
      const again = await edit(a, conv, m.seq, "other", e1.body.clientId);
      expect([again.status, again.body.id]).toEqual([200, e1.body.id]);
      expect((await a.api.get(`/v1/conversations/${conv}`)).body.lastSeq).toBe(m.seq + 2);
    });

    test("edits: only the sender's own text entry that is not recalled; not an action entry; not a foreign or missing seq", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      const m = await sendText(a, conv, "mine");
      expectError(await edit(b, conv, m.seq, "theirs"), 403, "not_editable");
      const e = await edit(a, conv, m.seq, "mine!");
      expectError(await edit(a, conv, e.body.seq, "edit of an edit"), 403, "not_editable");
      expectError(await edit(a, conv, 999, "nothing there"), 400, "invalid_request");
      expectError(await a.api.post(path(conv, m.seq, "/edit"), { clientId: "x", text: "" }), 400, "invalid_request");
      const other = await directConversation(a, (await registerMany(t.url, 1))[0]!);
      expectError(await edit(a, other, m.seq, "wrong conversation"), 400, "invalid_request");
      await recall(a, conv, m.seq);
      expectError(await edit(a, conv, m.seq, "after the recall"), 403, "not_editable");
    });

    test("a recall really removes the content: history, the edits' text, reactions and the list preview", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      const m = await sendText(a, conv, "secret plans");
      await edit(a, conv, m.seq, "secret plans v2");
      await react(b, conv, m.seq, "👍");
      const r = await recall(a, conv, m.seq);
      expect(r.status).toBe(201);
      expect(r.body.body).toEqual({ type: "recall", target: m.seq });
      for (const reader of [a, b]) {
        const items = await history(reader, conv);
        const page = JSON.stringify(items);
        expect(page).not.toContain("secret plans");
        const target = items.find((x) => x.seq === m.seq);
        expect(target).toMatchObject({ body: { type: "recalled" }, recalled: true });
        expect(target.edited).toBeUndefined();
        expect(target.reactions).toBeUndefined();
        expect(items.find((x) => x.body.type === "edit")!.body).toEqual({ type: "edit", target: m.seq });
        const list = (await reader.api.get("/v1/conversations")).body.items;
        expect(JSON.stringify(list)).not.toContain("secret plans");
      }
      expectError(await recall(a, conv, m.seq), 403, "not_editable");
    });

    test("recall: the sender, or a group's admins and the owner at any time; actions cannot be recalled", async () => {
      const [owner, admin, member, other] = (await registerMany(t.url, 4)) as [TestUser, TestUser, TestUser, TestUser];
      const conv = await group(owner, [admin, member, other]);
      await owner.api.patch(`/v1/conversations/${conv}/members/${admin.id}`, { role: "admin" });
      const mine = await sendText(member, conv, "by member");
      expectError(await recall(other, conv, mine.seq), 403, "not_editable");
      expect((await recall(admin, conv, mine.seq)).status).toBe(201);
      const second = await sendText(admin, conv, "by admin");
      expectError(await recall(member, conv, second.seq), 403, "not_editable");
      expect((await recall(owner, conv, second.seq)).status).toBe(201);
      const e = await edit(member, conv, (await sendText(member, conv, "x")).seq, "y");
      expectError(await recall(member, conv, e.body.seq), 400, "invalid_request");
    });

    test("reactions: 201 with an entry, 200 and no entry when nothing changes; folded with counts and me", async () => {
      const [a, b, c] = (await registerMany(t.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b, c]);
      const m = await sendText(a, conv, "react to me");
      const on = await react(b, conv, m.seq, "👍");
      expect(on.status).toBe(201);
      expect(on.body.body).toEqual({ type: "reaction", target: m.seq, emoji: "👍", on: true });
      // no ?clientId=: the server makes a time-ordered one (UUIDv7), cheapest for the idempotency index
      expect(on.body.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const same = await react(b, conv, m.seq, "👍");
      expect([same.status, same.body]).toEqual([200, { changed: false, target: m.seq, emoji: "👍", on: true }]);
      await react(c, conv, m.seq, "👍");
      await react(c, conv, m.seq, "🇫🇷");
      await react(a, conv, m.seq, "1️⃣");
      expect((await bySeq(b, conv, m.seq)).reactions).toEqual([
        { emoji: "👍", count: 2, me: true },
        { emoji: "1️⃣", count: 1, me: false },
        { emoji: "🇫🇷", count: 1, me: false },
      ]);
      expect((await react(b, conv, m.seq, "👍", false)).status).toBe(201);
      expect((await react(b, conv, m.seq, "👍", false)).status).toBe(200);
      expect((await bySeq(b, conv, m.seq)).reactions.find((r: { emoji: string }) => r.emoji === "👍")).toEqual({ emoji: "👍", count: 1, me: false });
    });

    test("reactions refuse what is not one emoji, and entries that are not content", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      const m = await sendText(a, conv, "x");
      for (const bad of ["ab", "👍👍", "x", "🙂".repeat(20), "%F0%9F"]) expectError(await react(a, conv, m.seq, bad), 400, "invalid_request");
      const r = await react(a, conv, m.seq, "👍");
      expectError(await react(a, conv, r.body.seq, "👍"), 400, "invalid_request");
      expectError(await react(a, conv, 9999, "👍"), 400, "invalid_request");
      await recall(a, conv, m.seq);
      expectError(await react(b, conv, m.seq, "🎉"), 400, "invalid_request");
    });

    test("replies name an entry of the same conversation; mentions name members, all only for admins", async () => {
      const [owner, member, stranger] = (await registerMany(t.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(owner, [member]);
      const m = await sendText(owner, conv, "question");
      const send = (u: TestUser, body: object) => u.api.post(`/v1/conversations/${conv}/messages`, { clientId: crypto.randomUUID(), body: { type: "text", text: "hi", ...body } });
      const reply = await send(member, { replyTo: m.seq, mentions: [owner.id] });
      expect(reply.status).toBe(201);
      expect(reply.body.body).toEqual({ type: "text", text: "hi", replyTo: m.seq, mentions: [owner.id] });
      expectError(await send(member, { replyTo: 999 }), 400, "invalid_request");
      expectError(await send(member, { mentions: [stranger.id] }), 400, "invalid_request");
      expectError(await send(member, { mentions: ["all"] }), 403, "forbidden");
      expect((await send(owner, { mentions: ["all"] })).status).toBe(201);
      // nothing refused was stored
      expect((await history(owner, conv)).length).toBe(3);
    });

    test("50 users toggling the same reaction at once: the final state is the fold of the log", async () => {
      const users = await registerMany(t.url, 50);
      const [owner, ...others] = users as [TestUser, ...TestUser[]];
      const conv = await group(owner, others);
      const m = await sendText(owner, conv, "popular");
      // each puts 👍, half of them take it back right away, all at once
      await Promise.all(users.map(async (u, i) => {
        await react(u, conv, m.seq, "👍");
        if (i % 2) await react(u, conv, m.seq, "👍", false);
      }));
      const items = await history(owner, conv);
      const fold = new Map<string, boolean>();
      for (const e of items) if (e.body.type === "reaction") fold.set(e.sender, e.body.on);
      const on = [...fold.values()].filter(Boolean).length;
      expect(on).toBe(25);
      expect(items.find((x) => x.seq === m.seq).reactions).toEqual([{ emoji: "👍", count: 25, me: true }]);
    });

    test("a recall racing edits: recalled wins, whatever the order, and no text survives", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      for (let round = 0; round < 5; round++) {
        const m = await sendText(a, conv, `draft ${round}`);
        const results = await Promise.all([edit(a, conv, m.seq, `edit A ${round}`), recall(a, conv, m.seq), edit(a, conv, m.seq, `edit B ${round}`)]);
        for (const r of results) expect([201, 403]).toContain(r.status);
        const items = await history(b, conv);
        expect(items.find((x) => x.seq === m.seq)).toMatchObject({ recalled: true, body: { type: "recalled" } });
        expect(JSON.stringify(items)).not.toMatch(new RegExp(`draft ${round}|edit [AB] ${round}`));
      }
    });
  });

  describe(`entry windows [${kind}]`, () => {
    const t = useTarget(kind, { EDIT_WINDOW_S: "1", RECALL_WINDOW_S: "1" });

    test("EDIT_WINDOW_S and RECALL_WINDOW_S: after them, not_editable; a group's owner still recalls", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const mine = await sendText(b, conv, "late");
      await Bun.sleep(1200);
      const e = await edit(b, conv, mine.seq, "too late");
      expectError(e, 403, "not_editable");
      expect(e.body.error.details).toEqual({ window: 1 });
      expectError(await recall(b, conv, mine.seq), 403, "not_editable");
      expect((await recall(a, conv, mine.seq)).status).toBe(201);
    });
  });
}
