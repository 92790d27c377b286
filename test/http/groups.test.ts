// Running a group (docs/protocol.md "Groups"): every route and every permission rule for
// non-members, removed members, muted members, members, admins and the owner; membership taking
// effect at its seq (what a removed member reads, what a new one reads under each history rule);
// dissolve; bad input; and concurrent changes ending in the fold of the log.
import { describe, expect, test } from "bun:test";
import { directConversation, expectError, group, registerMany, sendText, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";

const base = (conv: string) => `/v1/conversations/${conv}`;
const add = (u: TestUser, conv: string, users: TestUser[]) => u.api.post(`${base(conv)}/members`, { users: users.map((x) => x.id) });
const remove = (u: TestUser, conv: string, who: TestUser) => u.api.delete(`${base(conv)}/members/${who.id}`);
const patchMember = (u: TestUser, conv: string, who: TestUser, change: object) => u.api.patch(`${base(conv)}/members/${who.id}`, change);
const send = (u: TestUser, conv: string, text = "hi") => u.api.post(`${base(conv)}/messages`, { clientId: crypto.randomUUID(), body: { type: "text", text } });
const seqsOf = async (u: TestUser, conv: string) => {
  const res = await u.api.get(`${base(conv)}/messages?after=0&limit=200`);
  return res.status === 200 ? res.body.items.map((m: { seq: number }) => m.seq) : res.status;
};

/** A group with an owner, an admin and two members. */
async function cast(url: string) {
  const [owner, admin, member, other] = (await registerMany(url, 4)) as [TestUser, TestUser, TestUser, TestUser];
  const conv = await group(owner, [admin, member, other]);
  const promoted = await patchMember(owner, conv, admin, { role: "admin" });
  expect(promoted.status).toBe(200);
  return { owner, admin, member, other, conv };
}

for (const kind of targetKinds()) {
  describe(`groups [${kind}]`, () => {
    const t = useTarget(kind);

    test("roles: the owner sets them (an entry each), nobody else; never owner by role", async () => {
      const { owner, admin, member, other, conv } = await cast(t.url);
      const res = await patchMember(owner, conv, member, { role: "admin" });
      expect(res.body.items.map((e: any) => e.body)).toEqual([{ type: "role_changed", user: member.id, role: "admin" }]);
      expectError(await patchMember(admin, conv, other, { role: "admin" }), 403, "forbidden");
      expectError(await patchMember(owner, conv, other, { role: "owner" }), 403, "forbidden");
      expectError(await patchMember(owner, conv, owner, { role: "member" }), 403, "forbidden");
      expectError(await patchMember(owner, conv, other, {}), 400, "invalid_request");
      const roles = Object.fromEntries((await owner.api.get(base(conv))).body.members.map((m: any) => [m.userId, m.role]));
      expect(roles).toEqual({ [owner.id]: "owner", [admin.id]: "admin", [member.id]: "admin", [other.id]: "member" });
    });

    test("adding: admins and the owner; not members, not unknown users, not the present", async () => {
      const { owner, admin, member, conv } = await cast(t.url);
      const [newcomer, another] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      expectError(await add(member, conv, [newcomer]), 403, "forbidden");
      const added = await add(admin, conv, [newcomer]);
      expect([added.status, added.body.body]).toEqual([201, { type: "members_added", users: [newcomer.id] }]);
      expectError(await add(owner, conv, [newcomer]), 400, "invalid_request");
      expectError(await owner.api.post(`${base(conv)}/members`, { users: ["no-such-user"] }), 400, "invalid_request");
      expectError(await owner.api.post(`${base(conv)}/members`, { users: [] }), 400, "invalid_request");
      expectError(await add(newcomer, conv, [another]), 403, "forbidden");
      expect((await send(newcomer, conv)).status).toBe(201);
    });

    test("removing: admins remove members, not admins or the owner; the owner anyone; anyone leaves, but the owner", async () => {
      const { owner, admin, member, other, conv } = await cast(t.url);
      expectError(await remove(member, conv, other), 403, "forbidden");
      expectError(await remove(admin, conv, owner), 403, "forbidden");
      const second = (await registerMany(t.url, 1))[0]!;
      await add(owner, conv, [second]);
      await patchMember(owner, conv, second, { role: "admin" });
      expectError(await remove(admin, conv, second), 403, "forbidden");
      const removed = await remove(admin, conv, member);
      expect([removed.status, removed.body.body]).toEqual([201, { type: "member_removed", user: member.id }]);
      expectError(await remove(owner, conv, owner), 403, "forbidden");
      expect((await remove(other, conv, other)).body.body).toEqual({ type: "member_removed", user: other.id });
      expect((await remove(owner, conv, second)).status).toBe(201);
      expectError(await remove(owner, conv, member), 404, "not_found");
      const left = (await owner.api.get(base(conv))).body.members.map((m: any) => m.userId);
      expect(left.sort()).toEqual([owner.id, admin.id].sort());
    });

    test("a removed member reads up to and including its removal, nothing after, and every write of its is refused", async () => {
      const { owner, admin, member, conv } = await cast(t.url);
      await sendText(owner, conv, "before");
      const removal = (await remove(admin, conv, member)).body;
      await sendText(owner, conv, "after");
      const seqs = await seqsOf(member, conv);
      expect(seqs.at(-1)).toBe(removal.seq);
      expect((await member.api.get(base(conv))).status).toBe(200);
      expectError(await send(member, conv), 403, "forbidden");
      const [target] = (await owner.api.get(`${base(conv)}/messages?after=0&limit=200`)).body.items;
      expectError(await member.api.put(`${base(conv)}/messages/${target.seq}/reactions/${encodeURIComponent("👍")}`), 403, "forbidden");
      expectError(await remove(member, conv, member), 403, "forbidden");
      // and a stranger sees nothing at all
      const stranger = (await registerMany(t.url, 1))[0]!;
      expectError(await stranger.api.get(`${base(conv)}/messages`), 404, "not_found");
      expectError(await send(stranger, conv), 404, "not_found");
    });

    test("history rule: since_join reads from the entry that added one; all reads everything", async () => {
      const { owner, conv } = await cast(t.url);
      await sendText(owner, conv, "one");
      await sendText(owner, conv, "two");
      const [late, later] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const joined = (await add(owner, conv, [late])).body.seq;
      expect((await seqsOf(late, conv))[0]).toBe(joined);
      expect((await owner.api.patch(base(conv), { history: "all" })).status).toBe(201);
      await add(owner, conv, [later]);
      expect((await seqsOf(later, conv))[0]).toBe(1);
      expect((await later.api.get(base(conv))).body.history).toBe("all");
    });

    test("muting: admins mute members until a time (sends refused with muted and details.until); unmute with null", async () => {
      const { owner, admin, member, conv } = await cast(t.url);
      const until = Date.now() + 60_000;
      expectError(await patchMember(member, conv, admin, { mutedUntil: until }), 403, "forbidden");
      expectError(await patchMember(admin, conv, owner, { mutedUntil: until }), 403, "forbidden");
      expectError(await patchMember(admin, conv, member, { mutedUntil: Date.now() - 1000 }), 400, "invalid_request");
      const muted = await patchMember(admin, conv, member, { mutedUntil: until });
      expect(muted.body.items[0].body).toEqual({ type: "member_muted", user: member.id, until });
      const refused = await send(member, conv);
      expectError(refused, 403, "muted");
      expect(refused.body.error.details).toEqual({ until });
      await patchMember(owner, conv, member, { mutedUntil: null });
      expect((await send(member, conv)).status).toBe(201);
    });

    test("settings: admins change them; onlyAdminsSend refuses members' sends", async () => {
      const { owner, admin, member, conv } = await cast(t.url);
      expectError(await member.api.patch(base(conv), { title: "mine" }), 403, "forbidden");
      expectError(await admin.api.patch(base(conv), {}), 400, "invalid_request");
      const res = await admin.api.patch(base(conv), { title: "Renamed", topic: "lunch", onlyAdminsSend: true });
      expect(res.body.body).toEqual({ type: "conversation_updated", title: "Renamed", topic: "lunch", onlyAdminsSend: true });
      expect((await member.api.get(base(conv))).body).toMatchObject({ title: "Renamed", topic: "lunch", onlyAdminsSend: true });
      expectError(await send(member, conv), 403, "forbidden");
      expect((await send(admin, conv)).status).toBe(201);
      expect((await send(owner, conv)).status).toBe(201);
    });

    test("transfer: the owner hands over and becomes an admin; the new owner may now dissolve", async () => {
      const { owner, admin, member, conv } = await cast(t.url);
      expectError(await admin.api.post(`${base(conv)}/transfer`, { to: member.id }), 403, "forbidden");
      expectError(await owner.api.post(`${base(conv)}/transfer`, { to: owner.id }), 400, "invalid_request");
      const res = await owner.api.post(`${base(conv)}/transfer`, { to: member.id });
      expect(res.body.body).toEqual({ type: "ownership_transferred", to: member.id });
      const roles = Object.fromEntries((await owner.api.get(base(conv))).body.members.map((m: any) => [m.userId, m.role]));
      expect([roles[owner.id], roles[member.id]]).toEqual(["admin", "owner"]);
      expectError(await owner.api.delete(base(conv)), 403, "forbidden");
      expect((await remove(owner, conv, owner)).status).toBe(201); // no longer the owner: may leave
    });

    test("dissolve: the owner's alone; afterwards every write is conversation_closed, reads go on", async () => {
      const { owner, admin, member, conv } = await cast(t.url);
      const m = await sendText(member, conv, "last words");
      expectError(await admin.api.delete(base(conv)), 403, "forbidden");
      const res = await owner.api.delete(base(conv));
      expect(res.body.body).toEqual({ type: "dissolved" });
      expect((await member.api.get(base(conv))).body.dissolved).toBe(true);
      expectError(await send(member, conv), 403, "conversation_closed");
      expectError(await member.api.post(`${base(conv)}/messages/${m.seq}/edit`, { clientId: "e", text: "x" }), 403, "conversation_closed");
      expectError(await add(owner, conv, (await registerMany(t.url, 1)) as TestUser[]), 403, "conversation_closed");
      expect((await seqsOf(member, conv)).at(-1)).toBe(res.body.seq);
    });

    test("direct conversations have no membership changes", async () => {
      const [a, b, c] = (await registerMany(t.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await directConversation(a, b);
      expectError(await add(a, conv, [c]), 403, "forbidden");
      expectError(await remove(a, conv, b), 403, "forbidden");
      expectError(await remove(a, conv, a), 403, "forbidden");
      expectError(await a.api.patch(base(conv), { title: "ours" }), 403, "forbidden");
      expectError(await a.api.delete(base(conv)), 403, "forbidden");
    });

    test("two admins removing and re-adding the same member at once, 10 rounds: the roster is the fold of the log", async () => {
      const { owner, admin, member, conv } = await cast(t.url);
      for (let round = 0; round < 10; round++) {
        await Promise.all([remove(owner, conv, member), remove(admin, conv, member), add(owner, conv, [member]), add(admin, conv, [member])]);
      }
      const all = (await owner.api.get(`${base(conv)}/messages?after=0&limit=200`)).body.items;
      let present = true;
      for (const e of all) {
        if (e.body.type === "member_removed" && e.body.user === member.id) present = false;
        if (e.body.type === "members_added" && e.body.users.includes(member.id)) present = true;
      }
      const now = (await owner.api.get(base(conv))).body.members.some((m: any) => m.userId === member.id);
      expect(now).toBe(present);
      expect((await send(member, conv)).status).toBe(present ? 201 : 403);
    });
  });
}
