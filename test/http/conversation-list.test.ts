// PROTOCOL.md "The conversation list, per user": settings (pinned, mutedUntil, archived, hidden),
// clear and hide are the caller's alone; unread and mentions stay exact through edits, recalls,
// reactions, membership changes, reads, clears and hides; GET /v1/unread leaves out muted and
// archived conversations; search finds nothing cleared or hidden; bad input stores nothing.
import { describe, expect, test } from "bun:test";
import { directConversation, expectError, group, registerMany, sendText, sleep, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";

const users = (n: number, url: string) => registerMany(url, n) as Promise<TestUser[]>;
const items = async (u: TestUser, query = "") => (await u.api.get(`/v1/conversations${query}`)).body.items as any[];
const itemOf = async (u: TestUser, conv: string) => (await items(u, "?hidden=false")).concat(await items(u, "?hidden=true")).find((c) => c.id === conv);
const counts = async (u: TestUser, conv: string) => {
  const { unread, mentions } = await itemOf(u, conv);
  return { unread, mentions };
};
const settingsOf = async (u: TestUser, conv: string) => (await u.api.get(`/v1/conversations/${conv}/settings`)).body;
const mention = (u: TestUser, conv: string, text: string, mentions: string[]) =>
  u.api.post(`/v1/conversations/${conv}/messages`, { clientId: crypto.randomUUID(), body: { type: "text", text, mentions } });
/** Waits until search (indexed after the commits) finds what it should. */
async function searchSeqs(u: TestUser, q: string, conv: string, expected: number[]): Promise<number[]> {
  let seqs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await u.api.get(`/v1/search?q=${encodeURIComponent(q)}&conv=${conv}`);
    seqs = res.body.items.map((h: any) => h.message.seq).sort((a: number, b: number) => a - b);
    if (JSON.stringify(seqs) === JSON.stringify(expected)) break;
    await sleep(100);
  }
  return seqs;
}

for (const kind of targetKinds()) {
  describe(`conversation list [${kind}]`, () => {
    const server = useTarget(kind);

    test("settings are the caller's alone; pinned first; archived, unread and hidden filters; hidden comes back with the next content entry of someone else", async () => {
      const [a, b, c] = await users(3, server.url);
      const ab = await directConversation(a!, b!);
      await sleep(5);
      const ac = await directConversation(a!, c!);
      await sleep(5);
      const team = await group(a!, [b!, c!], "team");
      await sendText(b!, ab, "hello a");

      const fresh = await a!.api.get(`/v1/conversations/${ab}/settings`);
      expect(fresh.status).toBe(200);
      expect(fresh.body).toEqual({ conv: ab, pinned: false, mutedUntil: null, archived: false, hidden: false, clearedSeq: 0, readSeq: 0, unread: 1, mentions: 0 });

      const pinned = await a!.api.patch(`/v1/conversations/${ab}/settings`, { pinned: true });
      expect(pinned.status).toBe(200);
      expect(pinned.body).toMatchObject({ conv: ab, pinned: true, archived: false });
      const until = Date.now() + 3_600_000;
      expect((await a!.api.patch(`/v1/conversations/${team}/settings`, { mutedUntil: until, archived: true })).body).toMatchObject({ mutedUntil: until, archived: true, pinned: false });

      // pinned first, then latest activity (team was created last, ab had a message)
      expect((await items(a!)).map((i) => i.id)).toEqual([ab, team, ac]);
      expect(await itemOf(a!, ab)).toMatchObject({ pinned: true, mutedUntil: null, archived: false, hidden: false, unread: 1, mentions: 0, clearedSeq: 0 });
      expect(await itemOf(a!, team)).toMatchObject({ pinned: false, mutedUntil: until, archived: true });
      expect((await items(a!, "?archived=true")).map((i) => i.id)).toEqual([team]);
      expect((await items(a!, "?archived=false")).map((i) => i.id)).toEqual([ab, ac]);
      expect((await items(a!, "?unread=true")).map((i) => i.id)).toEqual([ab]);
      expect((await items(a!, "?unread=false&archived=false")).map((i) => i.id)).toEqual([ac]);

      // nobody else's list changes
      for (const other of [b!, c!]) for (const i of await items(other)) expect(i).toMatchObject({ pinned: false, mutedUntil: null, archived: false });

      // hidden: out of the list; my own send does not bring it back, a reaction of someone else does not either, a message does
      expect((await a!.api.patch(`/v1/conversations/${ac}/settings`, { hidden: true })).body.hidden).toBe(true);
      expect((await items(a!)).map((i) => i.id)).toEqual([ab, team]);
      expect((await items(a!, "?hidden=true")).map((i) => i.id)).toEqual([ac]);
      const mine = await sendText(a!, ac, "from me");
      expect((await items(a!)).map((i) => i.id)).toEqual([ab, team]);
      expect((await c!.api.put(`/v1/conversations/${ac}/messages/${mine.seq}/reactions/${encodeURIComponent("👍")}`)).status).toBe(201);
      expect((await settingsOf(a!, ac)).hidden).toBe(true);
      await sendText(c!, ac, "back again");
      expect((await items(a!)).map((i) => i.id)).toEqual([ab, ac, team]);
      expect(await itemOf(a!, ac)).toMatchObject({ hidden: false, unread: 1 });

      // unpin, unmute, unarchive
      expect((await a!.api.patch(`/v1/conversations/${team}/settings`, { mutedUntil: null, archived: false })).body).toMatchObject({ mutedUntil: null, archived: false });
      expect((await a!.api.patch(`/v1/conversations/${ab}/settings`, { pinned: false })).body.pinned).toBe(false);
      expect((await items(a!)).map((i) => i.id)).toEqual([ac, ab, team]);
    });

    test("unread counts content from others only: edits, reactions and membership changes do not count, a recall takes its entry back; mentions of me or all", async () => {
      const [owner, a, b, c] = await users(4, server.url);
      const team = await group(owner!, [a!, b!], "team");
      await sendText(b!, team, "one");
      const two = await sendText(b!, team, "two");
      await sendText(a!, team, "mine");
      expect(await counts(a!, team)).toEqual({ unread: 2, mentions: 0 });

      // an edit, a reaction, membership changes: no more unread
      expect((await b!.api.post(`/v1/conversations/${team}/messages/${two.seq}/edit`, { clientId: crypto.randomUUID(), text: "two!" })).status).toBe(201);
      expect((await b!.api.put(`/v1/conversations/${team}/messages/${two.seq}/reactions/${encodeURIComponent("🎉")}`)).status).toBe(201);
      expect((await owner!.api.post(`/v1/conversations/${team}`.concat("/members"), { users: [c!.id] })).status).toBe(201);
      expect((await owner!.api.patch(`/v1/conversations/${team}`, { title: "renamed" })).status).toBe(201);
      expect(await counts(a!, team)).toEqual({ unread: 2, mentions: 0 });

      // mentions: of me, of all (the owner only), of someone else
      expect((await mention(b!, team, "hey a", [a!.id])).status).toBe(201);
      const all = await mention(owner!, team, "everyone", ["all"]);
      expect(all.status).toBe(201);
      expect((await mention(b!, team, "hey c", [c!.id])).status).toBe(201);
      expect(await counts(a!, team)).toEqual({ unread: 5, mentions: 2 });
      // c joined after the first entries: counts from its join
      expect(await counts(c!, team)).toEqual({ unread: 3, mentions: 2 });
      // the owner's own @all is not unread for the owner
      expect(await counts(owner!, team)).toEqual({ unread: 5, mentions: 0 });

      // a recall (by its sender, or by the owner) takes the entry and its mention back
      expect((await owner!.api.post(`/v1/conversations/${team}/messages/${all.body.seq}/recall`, { clientId: crypto.randomUUID() })).status).toBe(201);
      expect(await counts(a!, team)).toEqual({ unread: 4, mentions: 1 });
      expect(await counts(c!, team)).toEqual({ unread: 2, mentions: 1 });

      // reading: up to a seq, then all; the answer carries the new count
      const read = await a!.api.post(`/v1/conversations/${team}/read`, { seq: two.seq });
      expect(read.body).toMatchObject({ readSeq: two.seq, unread: 2 });
      expect(await counts(a!, team)).toEqual({ unread: 2, mentions: 1 });
      const lastSeq = (await itemOf(a!, team)).lastSeq;
      expect((await a!.api.post(`/v1/conversations/${team}/read`, { seq: lastSeq })).body).toEqual({ readSeq: lastSeq, unread: 0 });
      expect(await counts(a!, team)).toEqual({ unread: 0, mentions: 0 });

      // a removed member: what came after its removal never counts; added again, it counts from there
      await sendText(b!, team, "before removal");
      expect((await owner!.api.delete(`/v1/conversations/${team}/members/${a!.id}`)).status).toBe(201);
      await sendText(b!, team, "after removal");
      expect(await counts(a!, team)).toEqual({ unread: 1, mentions: 0 });
      expect((await owner!.api.post(`/v1/conversations/${team}/members`, { users: [a!.id] })).status).toBe(201);
      expect(await counts(a!, team)).toEqual({ unread: 0, mentions: 0 });
      await mention(b!, team, "welcome back", [a!.id]);
      expect(await counts(a!, team)).toEqual({ unread: 1, mentions: 1 });
    });

    test("clear and hide: gone from the caller's counts, list preview and search, nobody else's; GET /v1/unread without muted and archived", async () => {
      const [a, b, c] = await users(3, server.url);
      const ab = await directConversation(a!, b!);
      const ac = await directConversation(a!, c!);
      const s1 = await sendText(b!, ab, "zebra one");
      const s2 = await sendText(b!, ab, "zebra two");
      const s3 = await sendText(b!, ab, "zebra three");
      await sendText(c!, ac, "from c");
      await sendText(c!, ac, "again c");
      expect((await a!.api.get("/v1/unread")).body).toEqual({ total: 5, conversations: 2 });
      expect(await searchSeqs(a!, "zebra", ab, [s1.seq, s2.seq, s3.seq])).toEqual([s1.seq, s2.seq, s3.seq]);

      const cleared = await a!.api.post(`/v1/conversations/${ab}/clear`, { seq: s1.seq });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ conv: ab, clearedSeq: s1.seq, unread: 2, readSeq: 0 });
      const hidden = await a!.api.post(`/v1/conversations/${ab}/messages/${s3.seq}/hide`);
      expect(hidden.status).toBe(200);
      expect(hidden.body).toMatchObject({ conv: ab, hiddenSeq: s3.seq, unread: 1 });
      // hiding it again, or hiding a cleared entry: nothing changes
      expect((await a!.api.post(`/v1/conversations/${ab}/messages/${s3.seq}/hide`)).body.unread).toBe(1);
      expect((await a!.api.post(`/v1/conversations/${ab}/messages/${s1.seq}/hide`)).body.unread).toBe(1);
      expect(await itemOf(a!, ab)).toMatchObject({ unread: 1, clearedSeq: s1.seq, lastMessage: null });
      // history pages skip them, for a only
      const seqsOf = async (u: TestUser, q = "") => (await u.api.get(`/v1/conversations/${ab}/messages${q}`)).body.items.map((m: any) => m.seq);
      expect(await seqsOf(a!)).toEqual([s2.seq]);
      expect(await seqsOf(a!, "?after=0")).toEqual([s2.seq]);
      expect(await seqsOf(a!, `?before=${s3.seq + 1}`)).toEqual([s2.seq]);
      expect(await seqsOf(b!)).toEqual([s1.seq, s2.seq, s3.seq]);
      expect(await searchSeqs(a!, "zebra", ab, [s2.seq])).toEqual([s2.seq]);
      // b still has everything
      expect(await searchSeqs(b!, "zebra", ab, [s1.seq, s2.seq, s3.seq])).toEqual([s1.seq, s2.seq, s3.seq]);
      expect((await itemOf(b!, ab)).lastMessage.seq).toBe(s3.seq);
      expect((await a!.api.get("/v1/unread")).body).toEqual({ total: 3, conversations: 2 });

      // a read after a clear: counted once
      expect((await a!.api.post(`/v1/conversations/${ab}/read`, { seq: s2.seq })).body).toEqual({ readSeq: s2.seq, unread: 0 });
      // clearing behind what is read changes nothing; clearing everything
      expect((await a!.api.post(`/v1/conversations/${ab}/clear`, { seq: s1.seq }).then((r) => r.body.clearedSeq))).toBe(s1.seq);
      await sendText(b!, ab, "zebra four");
      expect((await a!.api.post(`/v1/conversations/${ab}/clear`, { seq: s3.seq + 1 })).body).toMatchObject({ clearedSeq: s3.seq + 1, unread: 0 });
      expect(await searchSeqs(a!, "zebra", ab, [])).toEqual([]);

      // muted (until a time to come) and archived conversations are left out of the totals
      await sendText(b!, ab, "new");
      expect((await a!.api.get("/v1/unread")).body).toEqual({ total: 3, conversations: 2 });
      await a!.api.patch(`/v1/conversations/${ac}/settings`, { mutedUntil: Date.now() + 60_000 });
      expect((await a!.api.get("/v1/unread")).body).toEqual({ total: 1, conversations: 1 });
      await a!.api.patch(`/v1/conversations/${ac}/settings`, { mutedUntil: Date.now() - 1 });
      expect((await a!.api.get("/v1/unread")).body).toEqual({ total: 3, conversations: 2 });
      await a!.api.patch(`/v1/conversations/${ab}/settings`, { archived: true });
      expect((await a!.api.get("/v1/unread")).body).toEqual({ total: 2, conversations: 1 });
      expect((await b!.api.get("/v1/unread")).body).toEqual({ total: 0, conversations: 0 });
    });

    test("bad input: 4xx in the contract's shape, nothing stored", async () => {
      const [a, b, stranger] = await users(3, server.url);
      const ab = await directConversation(a!, b!);
      const m = await sendText(b!, ab, "hi");
      const before = await settingsOf(a!, ab);

      // not a member: 404, and nothing of it
      expectError(await stranger!.api.patch(`/v1/conversations/${ab}/settings`, { pinned: true }), 404, "not_found");
      expectError(await stranger!.api.get(`/v1/conversations/${ab}/settings`), 404, "not_found");
      expectError(await stranger!.api.post(`/v1/conversations/${ab}/clear`, { seq: 1 }), 404, "not_found");
      expectError(await stranger!.api.post(`/v1/conversations/${ab}/messages/${m.seq}/hide`), 404, "not_found");
      expectError(await a!.api.patch(`/v1/conversations/nope/settings`, { pinned: true }), 404, "not_found");
      expect(await items(stranger!)).toEqual([]);

      // clear past lastSeq; hide of an entry that does not exist
      const past = await a!.api.post(`/v1/conversations/${ab}/clear`, { seq: m.seq + 1 });
      expectError(past, 400, "invalid_request");
      expectError(await a!.api.post(`/v1/conversations/${ab}/messages/${m.seq + 1}/hide`), 404, "not_found");

      // bad bodies
      for (const body of [{}, { pinned: "yes" }, { mutedUntil: -1 }, { mutedUntil: 1.5 }, { archived: null }, { colour: "red" }, { hidden: 1 }, []]) {
        expectError(await a!.api.patch(`/v1/conversations/${ab}/settings`, body), 400, "invalid_request");
      }
      for (const body of [{}, { seq: -1 }, { seq: "1" }, { seq: 1, extra: true }]) {
        expectError(await a!.api.post(`/v1/conversations/${ab}/clear`, body), 400, "invalid_request");
      }
      expectError(await a!.api.get(`/v1/conversations?archived=maybe`), 400, "invalid_request");
      expectError(await a!.api.post(`/v1/conversations/${ab}/messages/0/hide`), 400, "invalid_request");

      expect(await settingsOf(a!, ab)).toEqual(before);
      expect(await itemOf(a!, ab)).toMatchObject({ pinned: false, archived: false, hidden: false, clearedSeq: 0, unread: 1, lastMessage: { seq: m.seq } });
      expect(await searchSeqs(a!, "hi", ab, [m.seq])).toEqual([m.seq]);
    });
  });
}
