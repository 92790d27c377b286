// Entries over the socket: edits, recalls, reactions and membership changes are pushed and resumed
// exactly like messages, so a device that was offline converges by resuming from its cursor; a
// removed member's open socket receives nothing after its removal; an added member's socket gets
// the conversation, then its log from where the history rule says.
import { afterEach, describe, expect, test } from "bun:test";
import { group, registerMany, sendText, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { Sockets, type Frame, type WsClient } from "../support/ws.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

const entriesOf = (c: WsClient, conv: string) => c.all((f) => f.t === "msg" && f.conv === conv);

/** What a client makes of the entries it holds: each content entry's text, edits, recall, reactions. */
function fold(entries: Frame[]) {
  const state = new Map<number, { text: string | null; recalled: boolean; reactions: Set<string> }>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const b = e.body;
    if (b.type === "text") state.set(e.seq, { text: b.text, recalled: false, reactions: new Set() });
    // read after its recall: the entry is a tombstone already
    if (b.type === "recalled") state.set(e.seq, { text: null, recalled: true, reactions: new Set() });
    const target = "target" in b ? state.get(b.target) : undefined;
    if (!target) continue;
    if (b.type === "edit" && !target.recalled) target.text = b.text;
    if (b.type === "recall") Object.assign(target, { recalled: true, text: null, reactions: new Set() });
    if (b.type === "reaction" && !target.recalled) b.on ? target.reactions.add(`${e.sender} ${b.emoji}`) : target.reactions.delete(`${e.sender} ${b.emoji}`);
  }
  return [...state].map(([seq, s]) => [seq, s.text, s.recalled, [...s.reactions].sort()]);
}

for (const kind of targetKinds()) {
  describe(`entries over the socket [${kind}]`, () => {
    const t = useTarget(kind);
    const path = (conv: string, seq: number, rest: string) => `/v1/conversations/${conv}/messages/${seq}${rest}`;

    test("a device offline during edits, a recall, reactions and a removal resumes and ends in the online device's state", async () => {
      const [a, b, c] = (await registerMany(t.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b, c]);
      const first = await sendText(a, conv, "first");
      const online = await sockets.hello(t.url, b.accessToken, { device: "online", cursors: { [conv]: 0 } });
      const offline = await sockets.hello(t.url, b.accessToken, { device: "offline", cursors: { [conv]: 0 } });
      await offline.waitFor((f) => f.t === "msg" && f.seq === first.seq);
      const cursor = Math.max(...entriesOf(offline, conv).map((f) => f.seq));
      offline.close();

      const second = await sendText(c, conv, "second");
      await a.api.post(path(conv, first.seq, "/edit"), { clientId: "e1", text: "first, edited" });
      await b.api.put(path(conv, first.seq, `/reactions/${encodeURIComponent("👍")}`));
      await c.api.put(path(conv, second.seq, `/reactions/${encodeURIComponent("🎉")}`));
      await c.api.post(path(conv, second.seq, "/recall"), { clientId: "r1" });
      const removal = await a.api.delete(`/v1/conversations/${conv}/members/${c.id}`);
      const last = (await sendText(a, conv, "after the removal")).seq;
      expect(last).toBe(removal.body.seq + 1);

      await online.waitFor((f) => f.t === "msg" && f.seq === last);
      const back = await sockets.hello(t.url, b.accessToken, { device: "offline", cursors: { [conv]: cursor } });
      await back.waitFor((f) => f.t === "msg" && f.seq === last);
      const resumed = [...entriesOf(offline, conv), ...entriesOf(back, conv)];
      expect(resumed.map((f) => f.seq)).toEqual(entriesOf(online, conv).map((f) => f.seq));
      expect(fold(resumed)).toEqual(fold(entriesOf(online, conv)));
      // and both agree with history's folded state
      const history = (await b.api.get(`/v1/conversations/${conv}/messages?after=0`)).body.items;
      const content = history.filter((m: any) => m.body.type === "text" || m.body.type === "recalled");
      expect(content.map((m: any) => [m.seq, m.recalled ? null : (m.edited?.text ?? m.body.text), !!m.recalled])).toEqual(
        fold(entriesOf(online, conv)).map(([seq, text, recalled]) => [seq, text, recalled]),
      );
    });

    test("a removed member's open socket receives its removal and nothing after it", async () => {
      const [a, b, c] = (await registerMany(t.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b, c]);
      const cWs = await sockets.hello(t.url, c.accessToken, { device: "c" });
      const aWs = await sockets.hello(t.url, a.accessToken, { device: "a" });
      await sendText(a, conv, "before");
      const removal = (await a.api.delete(`/v1/conversations/${conv}/members/${c.id}`)).body;
      for (let i = 0; i < 5; i++) await aWs.sendText(conv, `after ${i}`);
      await a.api.put(`/v1/conversations/${conv}/messages/1/reactions/${encodeURIComponent("👍")}`);
      await cWs.waitFor((f) => f.t === "msg" && f.seq === removal.seq);
      await Bun.sleep(300);
      await cWs.barrier();
      expect(entriesOf(cWs, conv).map((f) => f.seq).at(-1)).toBe(removal.seq);
      expect(cWs.all((f) => f.t === "typing" || f.t === "receipt").length).toBe(0);
      // its sync ends at the removal too
      const page = await cWs.request({ t: "sync", conv, after: 0, limit: 200 });
      expect(page.items.at(-1).seq).toBe(removal.seq);
      // and its writes are refused
      expect(await cWs.sendText(conv, "still here?")).toMatchObject({ t: "error", code: "forbidden" });
    });

    test("an added member's socket gets the conversation, then the log from its join (since_join) or from 1 (all)", async () => {
      const [a, b, c, d] = (await registerMany(t.url, 4)) as [TestUser, TestUser, TestUser, TestUser];
      const conv = await group(a, [b]);
      await sendText(a, conv, "old news");
      const cWs = await sockets.hello(t.url, c.accessToken, { device: "c" });
      const added = (await a.api.post(`/v1/conversations/${conv}/members`, { users: [c.id] })).body;
      const joined = await cWs.waitFor((f) => f.t === "conversation");
      expect(joined.conversation).toMatchObject({ id: conv, lastSeq: added.seq });
      expect(joined.conversation.members.map((m: any) => m.userId)).toContain(c.id);
      const next = await sendText(a, conv, "welcome");
      await cWs.waitFor((f) => f.t === "msg" && f.seq === next.seq);
      expect(cWs.frames.findIndex((f) => f.t === "conversation")).toBeLessThan(cWs.frames.findIndex((f) => f.t === "msg"));
      expect(entriesOf(cWs, conv).map((f) => f.seq)).toEqual([added.seq, next.seq]);

      await a.api.patch(`/v1/conversations/${conv}`, { history: "all" });
      const dWs = await sockets.hello(t.url, d.accessToken, { device: "d" });
      const addedD = (await a.api.post(`/v1/conversations/${conv}/members`, { users: [d.id] })).body;
      await dWs.waitFor((f) => f.t === "msg" && f.seq === addedD.seq);
      expect(entriesOf(dWs, conv).map((f) => f.seq)).toEqual(Array.from({ length: addedD.seq }, (_, i) => i + 1));
    });
  });
}
