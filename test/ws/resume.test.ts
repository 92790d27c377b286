// PROTOCOL.md "Realtime" 2 and 4: hello `cursors` resume a conversation before any live message
// of it, and on one connection a conversation's msg frames are strictly increasing without gaps,
// even while a receiver keeps reconnecting in the middle of a stream of sends.
import { afterEach, describe, expect, test } from "bun:test";
import { group, registerMany, sendText, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { Sockets, type Frame, type WsClient } from "../support/ws.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

const msgsOf = (c: WsClient, conv: string) => c.all((f) => f.t === "msg" && f.conv === conv);
const seqs = (frames: Frame[]) => frames.map((f) => f.seq as number);
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

for (const kind of targetKinds()) {
  describe(`ws resume [${kind}]`, () => {
    const server = useTarget(kind);

    test("cursors: everything after the cursor first, in order, then live messages; other conversations too", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const one = await group(a, [b], "one");
      const two = await group(a, [b], "two");
      for (let i = 1; i <= 7; i++) await sendText(a, one, `one ${i}`);
      for (let i = 1; i <= 3; i++) await sendText(a, two, `two ${i}`);

      const bWs = await sockets.hello(server.url, b.accessToken, { cursors: { [one]: 4, [two]: 0 } });
      await bWs.waitForCount((f) => f.t === "msg", 3 + 3);
      expect(seqs(msgsOf(bWs, one))).toEqual([5, 6, 7]);
      expect(seqs(msgsOf(bWs, two))).toEqual([1, 2, 3]);
      expect(msgsOf(bWs, one).map((f) => f.body.text)).toEqual(["one 5", "one 6", "one 7"]);
      // and welcome came first
      expect(bWs.frames[0]!.t).toBe("welcome");

      await sendText(a, one, "one 8");
      await bWs.waitFor((f) => f.t === "msg" && f.seq === 8);
      expect(seqs(msgsOf(bWs, one))).toEqual([5, 6, 7, 8]);
      // a cursor at the end sends nothing old
      const fresh = await sockets.hello(server.url, b.accessToken, { cursors: { [one]: 8 } });
      await sendText(a, one, "one 9");
      await fresh.waitFor((f) => f.t === "msg" && f.seq === 9);
      expect(seqs(msgsOf(fresh, one))).toEqual([9]);
    });

    test("more than one page of backlog (450 messages) is resumed completely, in order", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const aWs = await sockets.hello(server.url, a.accessToken);
      await Promise.all(range(1, 450).map((i) => aWs.sendText(conv, `m${i}`, `c${i}`)));
      const bWs = await sockets.hello(server.url, b.accessToken, { cursors: { [conv]: 10 } });
      // live messages sent while it catches up wait behind the backlog
      const live = Promise.all(range(1, 20).map((i) => aWs.sendText(conv, `live ${i}`)));
      await live;
      await bWs.waitForCount((f) => f.t === "msg", 460, { timeoutMs: 10_000 });
      await bWs.barrier();
      expect(seqs(msgsOf(bWs, conv))).toEqual(range(11, 470));
    });

    test("cursors naming conversations the user is not in: one error frame naming them all, the connection and other cursors go on", async () => {
      const [a, b, outsider] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const secret = await group(a, [b], "secret");
      const mine = await group(outsider, [a], "mine");
      await sendText(a, secret, "classified");
      await sendText(a, mine, "hello outsider");

      const out = await sockets.hello(server.url, outsider.accessToken, { cursors: { [secret]: 0, [mine]: 0, "no-such-conv": 0 } });
      await out.waitFor((f) => f.t === "msg" && f.conv === mine);
      await out.barrier();
      const errors = out.all((f) => f.t === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]!.code).toBe("not_found");
      expect([...errors[0]!.details.conversations].sort()).toEqual(["no-such-conv", secret].sort());
      expect(out.all((f) => f.t === "msg").map((f) => f.conv)).toEqual([mine]);
      expect(JSON.stringify(out.frames)).not.toContain("classified");
      // still usable, and still deaf to the other conversation
      await sendText(a, secret, "more classified");
      const next = await sendText(a, mine, "second");
      await out.waitFor((f) => f.t === "msg" && f.seq === next.seq && f.conv === mine);
      await out.barrier();
      expect(out.all((f) => f.t === "msg" && f.conv === secret)).toHaveLength(0);
    });

    test("a device that sends while it catches up: its own sends come back only as acks; msgs and acks together have no gap", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const bWs = await sockets.hello(server.url, b.accessToken, { label: "b" });
      // a backlog of more than one page
      await Promise.all(range(1, 250).map((i) => bWs.sendText(conv, `backlog ${i}`)));
      let cursor = 0;
      for (let round = 0; round < 4; round++) {
        const aWs = await sockets.hello(server.url, a.accessToken, { device: "a", label: `a#${round}`, cursors: { [conv]: cursor } });
        // sends from this very connection race its own catch-up, and b keeps sending too
        const [mine] = await Promise.all([
          Promise.all(range(1, 20).map((i) => aWs.sendText(conv, `a ${round}/${i}`))),
          Promise.all(range(1, 10).map((i) => bWs.sendText(conv, `b ${round}/${i}`))),
        ]);
        const end = (await sendText(b, conv, `end of round ${round}`)).seq;
        await aWs.waitFor((f) => f.t === "msg" && f.seq === end, { timeoutMs: 10_000 });
        const msgs = seqs(msgsOf(aWs, conv));
        const acks = seqs(mine);
        // no msg for anything this connection sent
        const ownClientIds = new Set(mine.map((f) => f.clientId));
        expect(msgsOf(aWs, conv).filter((f) => ownClientIds.has(f.clientId))).toEqual([]);
        // strictly increasing, and with the acks exactly cursor+1..end
        for (let i = 1; i < msgs.length; i++) expect(msgs[i]!).toBeGreaterThan(msgs[i - 1]!);
        expect([...msgs, ...acks].sort((x, y) => x - y)).toEqual(range(cursor + 1, end));
        aWs.close();
        await aWs.closed;
        cursor = end - 5 * round; // sometimes resume a little behind what it holds
      }
    });

    test("resume-before-live race: receivers reconnect with their cursor while 300 messages stream in over WS and HTTP", async () => {
      const [sender, r1, r2] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(sender, [r1, r2]);
      const TOTAL = 300;
      const senderWs = await sockets.hello(server.url, sender.accessToken, { label: "sender" });

      let sent = 0;
      let sendingDone = false;
      const sending = (async () => {
        let k = 0;
        while (k < TOTAL) {
          // bursts of 1–10, alternating WS bursts (not awaiting each ack) and HTTP sends
          const burst = Math.min(TOTAL - k, 1 + (k % 10));
          const viaHttp = Math.floor(k / 10) % 3 === 2;
          const batch = range(k + 1, k + burst).map((i) => (viaHttp ? sendText(sender, conv, `http ${i}`, `k${i}`) : senderWs.sendText(conv, `ws ${i}`, `k${i}`)));
          await Promise.all(batch);
          k += burst;
          sent = k;
        }
        sendingDone = true;
      })();

      const violations: string[] = [];
      const receive = async (user: TestUser, label: string) => {
        const held: number[] = [];
        let connections = 0;
        for (let round = 0; ; round++) {
          const cursor = held.length === 0 ? 0 : held[held.length - 1]!;
          // the first connection comes without a cursor, as a fresh device would
          const c = await sockets.hello(server.url, user.accessToken, {
            device: label,
            label: `${label}#${round}`,
            ...(round === 0 ? {} : { cursors: { [conv]: cursor } }),
          });
          connections++;
          // hold this connection for a few messages (or until everything arrived), then drop it
          const want = 3 + ((round * 7) % 25);
          try {
            await c.waitForCount((f) => f.t === "msg", want, { timeoutMs: 300 });
          } catch {
            // fewer arrived: fine, the sender may be slow or finished
          }
          c.close();
          await c.closed;
          const got = seqs(msgsOf(c, conv));
          // on every connection: after the cursor, strictly increasing, no gaps
          const from = round === 0 ? (got[0] ?? 1) : cursor + 1;
          const expected = range(from, from + got.length - 1);
          if (JSON.stringify(got) !== JSON.stringify(expected)) {
            violations.push(`${label}#${round} cursor ${cursor}: got ${JSON.stringify(got)}`);
          }
          if (round === 0 && got.length > 0) {
            // a fresh connection without cursor starts wherever live starts: fill its past by history
            const past = await user.api.get(`/v1/conversations/${conv}/messages?after=0&limit=200`);
            held.push(...seqs(past.body.items).filter((s) => s < got[0]!));
          }
          held.push(...got);
          if (sendingDone && held.length > 0 && held[held.length - 1] === TOTAL) break;
          if (round > 400) throw new Error(`${label}: too many rounds (held ${held.length}, sent ${sent})`);
        }
        return { held, connections };
      };

      const [x, y] = await Promise.all([receive(r1, "r1"), receive(r2, "r2"), sending]);
      expect(violations).toEqual([]);
      expect(x!.held).toEqual(range(1, TOTAL));
      expect(y!.held).toEqual(range(1, TOTAL));
      // the race was actually exercised: many reconnects in the middle of the stream
      expect(x!.connections).toBeGreaterThan(5);
      expect(y!.connections).toBeGreaterThan(5);
      expect((await sender.api.get(`/v1/conversations/${conv}`)).body.lastSeq).toBe(TOTAL);
    });
  });
}
