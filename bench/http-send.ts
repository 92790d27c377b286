// HTTP send path for bots: `npm run bench:http` (flags --bots=B --concurrency=C --duration-ms=D
// --warmup-ms=U, or env BOTS, CONCURRENCY, DURATION_MS, WARMUP_MS).
// One Parley server; B bots, each with its own direct conversation; C requests in flight from
// bench/lib/load-http.ts in its own process. Baseline in the same run and on the same server:
// GET /healthz (routing, middleware and logging, no auth, no store). Then POST
// /v1/conversations/:id/messages, each a committed message (2xx only after the commit).
import { runGenerator } from "./lib/generator.ts";
import { spawnParley } from "./lib/server.ts";
import { cpuSeconds, emit, numFlag } from "./lib/stats.ts";
import { directConversation, registerUsers } from "./lib/users.ts";

const botCount = numFlag("bots", 20);
const concurrency = numFlag("concurrency", 64);
const durationMs = numFlag("duration-ms", 5_000);
const warmupMs = numFlag("warmup-ms", 1_000);

const child = await spawnParley();
try {
  const users = await registerUsers(child.url, botCount * 2);
  const bots = [];
  for (let i = 0; i < botCount; i++) {
    const [bot, peer] = [users[2 * i]!, users[2 * i + 1]!];
    bots.push({ token: bot.accessToken, conv: await directConversation(child.url, bot, peer) });
  }
  const results: Record<string, Record<string, any>> = {};
  for (const mode of (process.env.ONLY ? [process.env.ONLY] : ["healthz", "send"]) as ("healthz" | "send")[]) {
    const cpu0 = cpuSeconds(child.pid);
    const result = await runGenerator("bench/lib/load-http.ts", { url: child.url, mode, concurrency, warmupMs, durationMs, bots }, warmupMs + durationMs + 30_000);
    results[mode] = result;
    emit({ bench: "http", ...result, bots: botCount, serverCpuSec: cpuSeconds(child.pid) - cpu0 });
  }
  emit({
    bench: "http",
    ratio: "send/healthz",
    concurrency,
    healthzPerSec: results.healthz!.requestsPerSec,
    sendPerSec: results.send!.requestsPerSec,
    throughputRatio: results.send!.requestsPerSec / results.healthz!.requestsPerSec,
    sendP99: results.send!.p99,
    healthzP99: results.healthz!.p99,
  });
} finally {
  await child.stop();
}
