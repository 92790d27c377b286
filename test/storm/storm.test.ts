// Reconnect storm (bench/lib/storm.ts, small): SDK clients in two generator processes reach the
// server through a TCP proxy that cuts every connection at once under load, leaving the server's
// side half-open; all reconnect with backoff. Every client gets every message exactly once and
// in order, the server ends up holding exactly the reconnected sockets (GET /metrics), and its
// RSS comes back near where it was. STORM_CLIENTS scales it (default 300; the bench runs 1,000).
import { expect, test } from "bun:test";
import { runStorm } from "../../bench/lib/storm.ts";

const clients = Number(process.env.STORM_CLIENTS ?? 300);

test(`${clients} SDK clients: every connection cut at once under load, all recover`, async () => {
  const r = await runStorm({
    clients,
    groupSize: 10,
    processes: 2,
    sendEveryMs: 1000,
    loadBeforeCutMs: 2000,
    loadAfterCutMs: 2000,
    reconnect: { minDelayMs: 250, maxDelayMs: 2000 },
    heartbeatMs: 2000,
  });
  console.log(`storm: ${JSON.stringify(r)}`);
  expect(r.errors).toEqual([]);
  expect(r.clients).toBe(clients);
  expect(r.complete).toBe(true);
  expect(r.outOfOrderOrRepeated).toBe(0);
  expect(r.notReconnected).toBe(0);
  expect(r.serverSocketsAfter).toBe(clients);
  expect(r.rssAfterMiB).toBeLessThan(r.rssBaselineMiB * 1.25 + 32);
}, 120_000);
