// PROTOCOL.md "The conversation list, per user" over the socket: each change of a user's settings,
// clears, hides and reads reaches that user's other devices at once as a `settings` frame (and
// nobody else's); a device that was offline reads the list again and shows the same.
import { afterEach, describe, expect, test } from "bun:test";
import { directConversation, group, registerMany, sendText, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { Sockets, type WsClient } from "../support/ws.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

const settingsFrames = async (ws: WsClient) => (await ws.barrier(), ws.all((f) => f.t === "settings"));
const list = async (u: TestUser) => (await u.api.get("/v1/conversations")).body.items;

for (const kind of targetKinds()) {
  describe(`ws conversation list [${kind}]`, () => {
    const server = useTarget(kind);

    test("one device pins, mutes, reads and clears while another is offline: the online one hears each change, the other lists the same on its return", async () => {
      const [a, b, c] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const ab = await directConversation(a, b);
      const team = await group(b, [a, c], "team");
      await sendText(b, ab, "one");
      await sendText(b, ab, "two");
      await sendText(c, team, "hi team");
      const third = await sendText(b, ab, "three");

      // the phone was here before, then went offline with what it listed
      const phone = await sockets.hello(server.url, a.accessToken, { device: "phone" });
      const before = await list(a);
      phone.close();
      const laptop = await sockets.hello(server.url, a.accessToken, { device: "laptop" });
      // on Workers: a socket straight to the user's object as well
      const tablet = await sockets.hello(server.url, a.accessToken, { device: "tablet", query: { token: a.accessToken } });
      const others = await sockets.hello(server.url, b.accessToken, { device: "b" });

      const until = Date.now() + 3_600_000;
      const pinned = (await a.api.patch(`/v1/conversations/${team}/settings`, { pinned: true })).body;
      const muted = (await a.api.patch(`/v1/conversations/${ab}/settings`, { mutedUntil: until })).body;
      // reading on the laptop's socket: the tablet's badge clears (the laptop knows)
      laptop.send({ t: "read", conv: team, seq: 1 });
      const read = await tablet.waitFor((f) => f.t === "settings" && f.conv === team && f.readSeq === 1, { what: "settings after the read" });
      expect(read).toMatchObject({ unread: 0, mentions: 0, pinned: true });
      const cleared = (await a.api.post(`/v1/conversations/${ab}/clear`, { seq: 1 })).body;
      const hidden = (await a.api.post(`/v1/conversations/${ab}/messages/${third.seq}/hide`)).body;

      const expected = [
        { t: "settings", ...pinned },
        { t: "settings", ...muted },
        read,
        { t: "settings", ...cleared },
        { t: "settings", ...hidden },
      ];
      expect(await settingsFrames(tablet)).toEqual(expected);
      expect(await settingsFrames(laptop)).toEqual(expected.filter((f) => f !== expected[2]));
      expect(hidden).toMatchObject({ conv: ab, hiddenSeq: third.seq, clearedSeq: 1, unread: 1, mutedUntil: until });
      // nobody else hears of it
      expect(await settingsFrames(others)).toEqual([]);

      // the phone comes back: its list is the laptop's
      const back = await sockets.hello(server.url, a.accessToken, { device: "phone" });
      const after = await list(a);
      expect(after).not.toEqual(before);
      expect(after.map((i: any) => i.id)).toEqual([team, ab]);
      expect(after[0]).toMatchObject({ id: team, pinned: true, readSeq: 1, unread: 0 });
      expect(after[1]).toMatchObject({ id: ab, mutedUntil: until, clearedSeq: 1, unread: 1, lastMessage: null });
      expect(await settingsFrames(back)).toEqual([]);
      // its history skips what was cleared and hidden: only "two" is left of ab
      const page = await back.request({ t: "sync", conv: ab, after: 0 });
      expect(page.items.map((m: any) => m.body.text)).toEqual(["two"]);
      expect((await a.api.get("/v1/unread")).body).toEqual({ total: 0, conversations: 0 });
    });
  });
}
