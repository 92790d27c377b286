// What one hostile client can do to the server: `npm run bench:abuse` (flags --duration-ms=D).
// One Parley server with the default limits (auth limits included). For each attack pattern of
// the hardening review (bench/lib/load-abuse.ts, run in its own process), and first for no attack
// at all, it prints the server's peak RSS and the /healthz latency another client sees meanwhile
// (asked every 10 ms from this process), against the targets: peak RSS ≤ 2 × idle + 256 MB and
// /healthz p99 ≤ 100 ms.
import { runGenerator } from "./lib/generator.ts";
import type { AbuseConfig, Pattern } from "./lib/load-abuse.ts";
import { spawnParley } from "./lib/server.ts";
import { emit, numFlag, rssKiB, summarize } from "./lib/stats.ts";
import { mapLimit, registerUsers } from "./lib/users.ts";

const durationMs = numFlag("duration-ms", 8_000);
const MB = 1024;

// The default auth limits (benchEnv turns them off for the other benches).
const child = await spawnParley({ env: { AUTH_RATE_LIMIT_PER_IP: "1200", AUTH_FAILURE_LIMIT_PER_IP: "60" } });

async function post(path: string, token: string, body: unknown): Promise<any> {
  const res = await fetch(child.url + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
const groupOf = async (owner: { accessToken: string }, members: { id: string }[], title: string) =>
  (await post("/v1/conversations", owner.accessToken, { kind: "group", title, members: members.map((m) => m.id) })).id as string;

/** /healthz latencies, one request at a time every 10 ms, until stopped. */
function probeHealth() {
  const latencies: number[] = [];
  let running = true;
  const probing = (async () => {
    while (running) {
      const t0 = performance.now();
      await fetch(`${child.url}/healthz`).then((r) => r.arrayBuffer());
      latencies.push(performance.now() - t0);
      await Bun.sleep(10);
    }
  })();
  return async () => {
    running = false;
    await probing;
    return summarize(latencies);
  };
}

try {
  const [attacker, peer, victim, ...rest] = await registerUsers(child.url, 9);
  const producers = rest.slice(0, 3);
  const readers = rest.slice(3, 6);
  const bigConv = await groupOf(attacker!, [peer!], "big");
  const emoji = "😀".repeat(16_000);
  await mapLimit(400, 8, (i) => post(`/v1/conversations/${bigConv}/messages`, attacker!.accessToken, { clientId: `big-${i}`, body: { type: "text", text: emoji } }));
  const pairs = await Promise.all(
    producers.map(async (p, i) => ({ producerToken: p.accessToken, readerToken: readers[i]!.accessToken, conv: await groupOf(p, [readers[i]!], `pair ${i}`) })),
  );
  await Bun.sleep(1000);
  const idleKiB = rssKiB(child.pid);
  const limitKiB = 2 * idleKiB + 256 * MB;

  const patterns: Pattern[] = ["none", "sync-amplification", "never-reading", "send-flood", "hello-cursors", "login-burst"];
  for (const pattern of patterns) {
    let peakKiB = rssKiB(child.pid);
    const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, rssKiB(child.pid))), 50);
    const stopProbe = probeHealth();
    const config: AbuseConfig = { url: child.url, pattern, durationMs, attacker: { token: attacker!.accessToken, bigConv }, pairs, victim: victim!.username };
    const done = await runGenerator("bench/lib/load-abuse.ts", config, durationMs + 60_000);
    await Bun.sleep(1000); // what the attack left behind
    const health = await stopProbe();
    clearInterval(sampler);
    emit({
      bench: "abuse",
      pattern,
      idleRssMB: idleKiB / MB,
      peakRssMB: peakKiB / MB,
      rssLimitMB: limitKiB / MB,
      healthzP50: health.p50,
      healthzP99: health.p99,
      healthzMax: health.max,
      healthzN: health.n,
      withinTargets: peakKiB <= limitKiB && health.p99 <= 100,
      attack: done,
    });
  }
} finally {
  await child.stop();
}
