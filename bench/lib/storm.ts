// A reconnect storm: SDK clients in groups, in separate load-generator processes
// (bench/lib/load-storm.ts), reach the server through a TCP proxy; under steady load the proxy
// cuts every connection at once (the server's side of each stays half-open), and all of them
// reconnect with backoff. Reports how long the recovery took, deliveries/s during it, whether
// every client got every message exactly once in order, how many sockets the server still holds
// (GET /metrics) and its RSS. Used by test/storm/storm.test.ts (small) and bench/storm.ts.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runGenerator } from "./generator.ts";
import { metric, scrape } from "./metrics.ts";
import { spawnParley, tempDir } from "./server.ts";
import { rssKiB } from "./stats.ts";
import { TcpProxy } from "./tcp-proxy.ts";
import { mapLimit, registerUsers } from "./users.ts";

export interface StormOptions {
  clients: number;
  groupSize: number;
  /** generator processes */
  processes: number;
  sendEveryMs: number;
  /** steady load before the cut, once every client is connected */
  loadBeforeCutMs: number;
  /** load goes on after the cut for this long */
  loadAfterCutMs: number;
  reconnect: { minDelayMs: number; maxDelayMs: number };
  /** the server's heartbeat: what closes the half-open sockets no reconnect replaces */
  heartbeatMs: number;
  log?: (line: string) => void;
}

export interface StormResult {
  clients: number;
  sent: number;
  complete: boolean;
  outOfOrderOrRepeated: number;
  notReconnected: number;
  /** from the cut until the last client was welcomed again */
  reconnectedMs: number | null;
  /** from the cut until the last client was reconnected and held every message sent before the cut */
  recoveredMs: number | null;
  /** msg events of all clients per second, from the cut until every client held every message */
  catchUpDeliveriesPerSec: number | null;
  /** sockets the server held once everything was delivered (GET /metrics) */
  serverSocketsAfter: number;
  rssBaselineMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  errors: string[];
}

async function createGroup(base: string, owner: { accessToken: string }, members: string[]): Promise<string> {
  const res = await fetch(`${base}/v1/conversations`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${owner.accessToken}` },
    body: JSON.stringify({ kind: "group", title: "storm", members }),
  });
  if (res.status !== 201) throw new Error(`create group: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function runStorm(opts: StormOptions): Promise<StormResult> {
  const log = opts.log ?? (() => {});
  const server = await spawnParley({ env: { HEARTBEAT_MS: String(opts.heartbeatMs), MAX_DEVICES_PER_USER: "2" } });
  const proxy = new TcpProxy({ hostname: "127.0.0.1", port: server.port });
  const signals = tempDir("parley-storm-");
  const releasePath = join(signals.dir, "release");
  try {
    const users = await registerUsers(server.url, opts.clients, 16, "s");
    const groupCount = Math.ceil(opts.clients / opts.groupSize);
    const groups = await mapLimit(groupCount, 8, async (g) => {
      const members = users.slice(g * opts.groupSize, (g + 1) * opts.groupSize);
      const conv = await createGroup(server.url, members[0]!, members.slice(1).map((u) => u.id));
      return { conv, members: members.map((u) => ({ id: u.id, token: u.accessToken })) };
    });
    log(`${users.length} users in ${groups.length} groups`);

    const connectBudgetMs = 5_000 + opts.clients * 10;
    const cutAt = Date.now() + connectBudgetMs + opts.loadBeforeCutMs;
    const loadUntil = cutAt + opts.loadAfterCutMs;
    const deadline = loadUntil + 60_000;
    const share = Math.ceil(groups.length / opts.processes);
    const donePaths = Array.from({ length: opts.processes }, (_, p) => join(signals.dir, `done-${p}`));
    const generators = donePaths.map((donePath, p) =>
      runGenerator(
        "bench/lib/load-storm.ts",
        {
          url: `http://127.0.0.1:${proxy.port}`,
          groups: groups.slice(p * share, (p + 1) * share),
          sendEveryMs: opts.sendEveryMs,
          cutAt,
          loadUntil,
          deadline,
          reconnect: opts.reconnect,
          donePath,
          releasePath,
        },
        deadline - Date.now() + 90_000,
      ),
    );

    await Bun.sleep(cutAt - Date.now() - 500);
    const rssBaseline = rssKiB(server.pid);
    log(`before the cut: ${metric(await scrape(server.url), "parley_ws_open_sockets")} sockets, RSS ${(rssBaseline / 1024).toFixed(0)} MiB`);
    let rssPeak = rssBaseline;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKiB(server.pid))), 100);
    await Bun.sleep(cutAt - Date.now());
    log(`cut ${proxy.cutAll()} connections`);
    while (!donePaths.every((p) => existsSync(p)) && Date.now() < deadline) await Bun.sleep(100);
    clearInterval(sampler);
    // What the server holds with every client caught up and still connected: the reconnected
    // sockets only; the half-open ones are gone by now (replaced by their device's new socket,
    // or closed by the heartbeat).
    await Bun.sleep(2 * opts.heartbeatMs + 500);
    const serverSocketsAfter = metric(await scrape(server.url), "parley_ws_open_sockets");
    const rssAfter = rssKiB(server.pid);
    writeFileSync(releasePath, "release");
    const results = await Promise.all(generators);
    const sum = (key: string) => results.reduce((n, r) => n + (r[key] as number), 0);
    const latest = (key: string) => (results.some((r) => r[key] === null) ? null : Math.max(...results.map((r) => r[key] as number)));
    const recoveredMs = latest("recoveredMs");
    return {
      clients: sum("clients"),
      sent: sum("sent"),
      complete: results.every((r) => r.complete),
      outOfOrderOrRepeated: sum("outOfOrderOrRepeated"),
      notReconnected: sum("notReconnected"),
      reconnectedMs: latest("reconnectedMs"),
      recoveredMs,
      catchUpDeliveriesPerSec: recoveredMs === null ? null : sum("deliveriesAfterCut") / (Math.max(...results.map((r) => r.finishedMs as number)) / 1000),
      serverSocketsAfter,
      rssBaselineMiB: rssBaseline / 1024,
      rssPeakMiB: rssPeak / 1024,
      rssAfterMiB: rssAfter / 1024,
      errors: results.flatMap((r) => r.errors as string[]).slice(0, 10),
    };
  } finally {
    writeFileSync(releasePath, "release");
    proxy.stop();
    signals.remove();
    await server.stop();
  }
}
