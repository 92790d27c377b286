// Presence on Workers with Upstash: the users' objects report their sockets to it, and a Worker
// and a Bun node sharing that Upstash (and a database) agree on who is online and when they were
// seen. (Without Upstash, on each target: test/ws/presence.test.ts.)
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { client, directConversation, registerMany, sleep, type TestUser } from "../support/api.ts";
import { startTarget, TEST_JWT_SECRET, tempDataDir, type Target } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";
import { startWorkers, type WorkersTarget } from "../support/wrangler.ts";
import { startHranaServer, type HranaServer } from "./support/hrana-server.ts";


const upstash = { UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL ?? "", UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN ?? "" };

describe.skipIf(!upstash.UPSTASH_REDIS_REST_URL)("presence [workers + bun on one Upstash and one database]", () => {
  const data = tempDataDir("parley-upstash-presence-");
  let sqld: HranaServer;
  let w: WorkersTarget, bun: Target;
  let a: TestUser, b: TestUser;
  const sockets = new Sockets();
  /** one user's view of another's presence, as each server answers it */
  const seenBy = (viewer: TestUser, user: TestUser) =>
    Promise.all(
      [w.url, bun.url].map(async (base) => {
        const res = await client(base, viewer.accessToken).get(`/v1/presence?users=${user.id}`);
        expect(res.status).toBe(200);
        return res.body.items[0];
      }),
    );
  /** a user's connections in Upstash (under the default prefix): connection id → expiry (ms) */
  const upstashConnections = async (user: TestUser) => {
    const res = await fetch(upstash.UPSTASH_REDIS_REST_URL, {
      method: "POST",
      headers: { Authorization: `Bearer ${upstash.UPSTASH_REDIS_REST_TOKEN}` },
      body: JSON.stringify(["ZRANGE", `parley:presence:conns:${user.id}`, "0", "-1", "WITHSCORES"]),
    });
    const flat = ((await res.json()) as { result: string[] }).result;
    return new Map(flat.flatMap((v, i) => (i % 2 ? [] : [[v, Number(flat[i + 1])]])));
  };

  beforeAll(async () => {
    sqld = startHranaServer(join(data.dir, "server.db"));
    // one database for a Worker and a Bun node: the logs must be in it (LOG_PLACEMENT shared)
    const db = { DATABASE_URL: sqld.url, DATABASE_AUTH_TOKEN: "test-token" };
    // LOG_LEVEL info: the user objects log their wake-ups
    w = await startWorkers({ vars: { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "info", PBKDF2_ITERATIONS: "1000", LOG_PLACEMENT: "shared", ...db, ...upstash } });
    [a, b] = (await registerMany(w.url, 2)) as [TestUser, TestUser];
    await directConversation(a, b);
    bun = await startTarget("bun", { ...db, ...upstash }); // after the Worker migrated the database
  });
  afterAll(async () => {
    sockets.closeAll();
    await w?.stop();
    await bun?.stop();
    await sqld?.stop();
    data.remove();
  });

  test("online through a Worker socket, then offline with one lastSeen: the Worker and the Bun node agree", async () => {
    const bWs = await sockets.hello(w.url, b.accessToken, { device: "b1" });
    const aWs = await sockets.hello(w.url, a.accessToken, { device: "a1" });
    // the object tells a's contacts once Upstash has the connection
    expect(await bWs.waitFor((f) => f.t === "presence" && f.user === a.id, { what: "a online" })).toEqual({
      t: "presence",
      user: a.id,
      status: "online",
      lastSeen: null,
    });
    expect(await seenBy(b, a)).toEqual([
      { user: a.id, status: "online", lastSeen: null },
      { user: a.id, status: "online", lastSeen: null },
    ]);
    expect([...(await upstashConnections(a)).keys()]).toHaveLength(1);

    aWs.close();
    const offline = await bWs.waitFor((f) => f.t === "presence" && f.user === a.id && f.status === "offline", { what: "a offline" });
    expect(typeof offline.lastSeen).toBe("number");
    // Upstash recorded the disconnect before the frame left: both servers answer its lastSeen
    expect(await seenBy(b, a)).toEqual([
      { user: a.id, status: "offline", lastSeen: offline.lastSeen },
      { user: a.id, status: "offline", lastSeen: offline.lastSeen },
    ]);

    // and the other way round: a socket on the Bun node is online for the Worker too
    const aOnBun = await sockets.hello(bun.url, a.accessToken, { device: "a2" });
    for (let i = 0; i < 50 && (await seenBy(b, a))[0].status !== "online"; i++) await sleep(20);
    expect(await seenBy(b, a)).toEqual([
      { user: a.id, status: "online", lastSeen: null },
      { user: a.id, status: "online", lastSeen: null },
    ]);
    aOnBun.close();
    await aOnBun.closed;
    let seen = await seenBy(b, a);
    for (let i = 0; i < 50 && seen.some((s) => s.status !== "offline"); i++) seen = (await sleep(20), await seenBy(b, a));
    expect(seen[0]).toMatchObject({ status: "offline", lastSeen: expect.any(Number) });
    expect(seen[1]).toEqual(seen[0]);
  });

  test("a quiet socket stays online: the user object's alarm refreshes it in Upstash before the TTL", async () => {
    // the socket goes straight to a's object, which may hibernate: nothing but its alarm runs it
    const aWs = await sockets.hello(w.url, a.accessToken, { device: "a3", query: { token: a.accessToken } });
    let before = await upstashConnections(a);
    for (let i = 0; i < 50 && before.size === 0; i++) before = (await sleep(20), await upstashConnections(a));
    expect(before.size).toBe(1);
    const [connection, expiry] = [...before][0]!;
    const woke = () => (w.output().match(/user object woke up with \d+ sockets/g) ?? []).length;
    const wokeBefore = woke();
    // With no frame on the socket, alarms at the hello timeout (10 s, set on the upgrade) and then
    // every TTL / 3 (20 s) refresh the connection: connect + 60 s → 10 s + 60 s → 30 s + 60 s.
    await sleep(35_000);
    const after = await upstashConnections(a);
    expect(after.get(connection)! - expiry).toBeGreaterThanOrEqual(25_000);
    expect((await seenBy(b, a)).map((s) => s.status)).toEqual(["online", "online"]);
    // whether workerd evicted the object meanwhile depends on its timing: reported, not required
    console.log(`a's user object woke up ${woke() - wokeBefore} time(s) while quiet`);
    aWs.close();
    await aWs.closed;
  }, 60_000);
});
