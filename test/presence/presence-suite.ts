// The behaviour every Presence adapter must have, run against each (memory.test.ts, upstash.test.ts).
// Each test uses its own user ids, so tests may share one backend.
import { describe, expect, test } from "bun:test";
import type { Presence, PresenceEntry } from "../../src/core/presence.ts";
import { uid } from "../support/upstash.ts";

export interface PresenceBackend {
  /** Two handles on one shared state, as two server nodes see it. */
  nodes(ttlMs: number): [Presence, Presence];
}

const LONG_TTL = 60_000;
const SHORT_TTL = 200;

export function presenceSuite(backend: PresenceBackend): void {
  const within = async <T>(action: () => Promise<T>) => {
    const before = Date.now();
    const result = await action();
    return { result, before, after: Date.now() };
  };

  describe("transitions", () => {
    test("the first device brings the user online, a second device (other node) does not", async () => {
      const [a, b] = backend.nodes(LONG_TTL);
      const u = uid("u");
      expect(await a.connect(u, "c1")).toEqual({ becameOnline: true });
      expect(await b.connect(u, "c2")).toEqual({ becameOnline: false });
      expect(await a.status([u])).toEqual([{ userId: u, online: true, lastSeen: null }]);
    });

    test("one of two devices leaving keeps the user online; the last takes it offline with lastSeen = now", async () => {
      const [a, b] = backend.nodes(LONG_TTL);
      const u = uid("u");
      await a.connect(u, "c1");
      await b.connect(u, "c2");
      expect((await a.disconnect(u, "c1")).becameOffline).toBe(false);
      expect((await b.status([u]))[0]?.online).toBe(true);

      const { result, before, after } = await within(() => b.disconnect(u, "c2"));
      expect(result.becameOffline).toBe(true);
      expect(result.lastSeen).toBeGreaterThanOrEqual(before);
      expect(result.lastSeen).toBeLessThanOrEqual(after);
      expect(await a.status([u])).toEqual([{ userId: u, online: false, lastSeen: result.lastSeen }]);
    });

    test("connecting the same connection again is no new transition", async () => {
      const [a] = backend.nodes(LONG_TTL);
      const u = uid("u");
      expect((await a.connect(u, "c1")).becameOnline).toBe(true);
      expect((await a.connect(u, "c1")).becameOnline).toBe(false);
      expect((await a.disconnect(u, "c1")).becameOffline).toBe(true);
      expect((await a.disconnect(u, "c1")).becameOffline).toBe(false);
    });

    test("disconnecting a connection that is not there changes nothing", async () => {
      const [a, b] = backend.nodes(LONG_TTL);
      const [u, stranger] = [uid("u"), uid("stranger")];
      expect((await b.disconnect(stranger, "c1")).becameOffline).toBe(false);
      await a.connect(u, "c1");
      expect((await b.disconnect(u, "other")).becameOffline).toBe(false);
      expect((await b.status([u, stranger])).map((s) => s.online)).toEqual([true, false]);
    });

    test("a user comes back online after going offline, and lastSeen is then null", async () => {
      const [a, b] = backend.nodes(LONG_TTL);
      const u = uid("u");
      await a.connect(u, "c1");
      await a.disconnect(u, "c1");
      expect((await b.connect(u, "c2")).becameOnline).toBe(true);
      expect(await a.status([u])).toEqual([{ userId: u, online: true, lastSeen: null }]);
    });
  });

  describe("status", () => {
    test("unknown users are offline and never seen; answers come in the order asked", async () => {
      const [a] = backend.nodes(LONG_TTL);
      const [x, on, y] = [uid("x"), uid("on"), uid("y")];
      await a.connect(on, "c1");
      expect(await a.status([x, on, y, x])).toEqual([
        { userId: x, online: false, lastSeen: null },
        { userId: on, online: true, lastSeen: null },
        { userId: y, online: false, lastSeen: null },
        { userId: x, online: false, lastSeen: null },
      ]);
      expect(await a.status([])).toEqual([]);
    });

    test("many users in one status and one refresh (several batches)", async () => {
      const [a] = backend.nodes(LONG_TTL);
      const entries: PresenceEntry[] = Array.from({ length: 1_100 }, (_, i) => ({ userId: uid(`m${i}`), connectionId: "c" }));
      const online = entries.filter((_, i) => i % 2 === 0);
      for (let i = 0; i < online.length; i += 50) {
        await Promise.all(online.slice(i, i + 50).map((e) => a.connect(e.userId, e.connectionId)));
      }
      const refreshed = await a.refresh(entries);
      expect(refreshed.lost).toEqual(entries.filter((_, i) => i % 2 === 1));
      const statuses = await a.status(entries.map((e) => e.userId));
      expect(statuses.map((s) => s.userId)).toEqual(entries.map((e) => e.userId));
      expect(statuses.map((s) => s.online)).toEqual(entries.map((_, i) => i % 2 === 0));
    });
  });

  describe("TTL", () => {
    test("a crashed node's user goes offline by itself; one refresh of the two nodes reports it, once", async () => {
      const [a, b] = backend.nodes(SHORT_TTL);
      const u = uid("crashed");
      const { before, after } = await within(() => a.connect(u, "c1"));
      await Bun.sleep(SHORT_TTL + 100);

      const [status] = await b.status([u]);
      expect(status?.online).toBe(false);
      // last known online: the connect (its last refresh)
      expect(status?.lastSeen).toBeGreaterThanOrEqual(before);
      expect(status?.lastSeen).toBeLessThanOrEqual(after);

      const reports = (await Promise.all([a.refresh([]), b.refresh([])])).flatMap((r) => r.expired).filter((e) => e.userId === u);
      expect(reports).toEqual([{ userId: u, lastSeen: status!.lastSeen! }]);
      expect((await b.refresh([])).expired.some((e) => e.userId === u)).toBe(false);
      expect(await a.status([u])).toEqual([status!]);
    });

    test("refresh keeps connections alive past the TTL; without it they expire", async () => {
      const [a, b] = backend.nodes(SHORT_TTL);
      const u = uid("alive");
      await a.connect(u, "c1");
      for (let i = 0; i < 4; i++) {
        await Bun.sleep(SHORT_TTL / 2);
        expect(await a.refresh([{ userId: u, connectionId: "c1" }])).toEqual({ lost: [], expired: [] });
      }
      expect((await b.status([u]))[0]?.online).toBe(true);
      await Bun.sleep(SHORT_TTL + 100);
      expect((await b.status([u]))[0]?.online).toBe(false);
    });

    test("a stalled node's expired entry comes back as lost, and connect makes the user online again", async () => {
      const [a, b] = backend.nodes(SHORT_TTL);
      const u = uid("stalled");
      const entry = { userId: u, connectionId: "c1" };
      await a.connect(u, "c1");
      await Bun.sleep(SHORT_TTL + 100);
      const outcome = await a.refresh([entry]);
      expect(outcome.lost).toEqual([entry]);
      expect(outcome.expired.map((e) => e.userId)).toContain(u);
      expect((await a.connect(u, "c1")).becameOnline).toBe(true);
      expect((await b.status([u]))[0]?.online).toBe(true);
    });

    test("a refresh that arrives after the disconnect does not revive the connection", async () => {
      const [a] = backend.nodes(LONG_TTL);
      const u = uid("late");
      await a.connect(u, "c1");
      await a.disconnect(u, "c1");
      expect(await a.refresh([{ userId: u, connectionId: "c1" }])).toEqual({ lost: [{ userId: u, connectionId: "c1" }], expired: [] });
      expect((await a.status([u]))[0]?.online).toBe(false);
    });

    test("a device that arrives after the others expired is a new online transition, and nothing is reaped", async () => {
      const [a, b] = backend.nodes(SHORT_TTL);
      const u = uid("back");
      await a.connect(u, "c1");
      await Bun.sleep(SHORT_TTL + 100);
      expect((await b.connect(u, "c2")).becameOnline).toBe(true);
      expect((await b.refresh([{ userId: u, connectionId: "c2" }])).expired.some((e) => e.userId === u)).toBe(false);
      // the expired connection's late disconnect is not the user's last device
      expect((await a.disconnect(u, "c1")).becameOffline).toBe(false);
      expect((await a.status([u]))[0]?.online).toBe(true);
    });
  });

  describe("concurrency", () => {
    test("parallel connects, then parallel disconnects, from two nodes: exactly one transition each way per user", async () => {
      const [a, b] = backend.nodes(LONG_TTL);
      const users = Array.from({ length: 20 }, () => uid("par"));
      const devices = ["d1", "d2", "d3", "d4", "d5", "d6"];
      const node = (d: number) => (d % 2 === 0 ? a : b);
      for (let round = 0; round < 3; round++) {
        const online = await Promise.all(users.flatMap((u) => devices.map(async (d, i) => ({ u, hit: (await node(i).connect(u, d)).becameOnline }))));
        for (const u of users) expect(online.filter((r) => r.u === u && r.hit)).toHaveLength(1);

        const offline = await Promise.all(users.flatMap((u) => devices.map(async (d, i) => ({ u, hit: (await node(i + 1).disconnect(u, d)).becameOffline }))));
        for (const u of users) expect(offline.filter((r) => r.u === u && r.hit)).toHaveLength(1);
        expect((await a.status(users)).every((s) => !s.online)).toBe(true);
      }
    });

    test("interleaved churn: every online transition is matched by exactly one offline transition", async () => {
      const [a, b] = backend.nodes(LONG_TTL);
      const users = Array.from({ length: 8 }, () => uid("churn"));
      const count = new Map(users.map((u) => [u, { online: 0, offline: 0 }]));
      // each device connects and disconnects in turn, devices of a user overlap at random
      const device = async (u: string, d: number) => {
        const node = d % 2 === 0 ? a : b;
        for (let cycle = 0; cycle < 5; cycle++) {
          if ((await node.connect(u, `d${d}`)).becameOnline) count.get(u)!.online++;
          await Bun.sleep(Math.random() * 5);
          if ((await node.disconnect(u, `d${d}`)).becameOffline) count.get(u)!.offline++;
          await Bun.sleep(Math.random() * 5);
        }
      };
      await Promise.all(users.flatMap((u) => [0, 1, 2, 3].map((d) => device(u, d))));
      for (const u of users) {
        const { online, offline } = count.get(u)!;
        expect(online).toBeGreaterThanOrEqual(1);
        expect(offline).toBe(online);
      }
      expect((await b.status(users)).every((s) => !s.online)).toBe(true);
    });
  });
}
