// HTTP send path for bots: `npm run bench:http` (flags --bots=B --concurrency=C --duration-ms=D
// --warmup-ms=U --modes=healthz,send, or env BOTS, CONCURRENCY, DURATION_MS, WARMUP_MS, MODES; a
// single mode is for profiling it with BENCH_CPU_PROF).
// One Parley server; B bots, each with its own direct conversation; C requests in flight from
// bench/lib/load-http.ts in its own process. Baseline in the same run and on the same server:
// GET /healthz (routing, middleware and logging, no auth, no store). Then POST
// /v1/conversations/:id/messages, each a committed message (2xx only after the commit).
// Per phase: the server's CPU per answered request (warm-up included), of the whole process and
// of its main thread alone (the JavaScript; the rest is libSQL's checkpoints and the GC's threads),
// and for sends the messages per group commit (a commit costs less per message in bigger batches).
import { runGenerator } from "./lib/generator.ts";
import { spawnParley } from "./lib/server.ts";
import { commitBatches, cpuSeconds, emit, flag, numFlag } from "./lib/stats.ts";
import { directConversation, registerUsers } from "./lib/users.ts";

const botCount = numFlag("bots", 20);
const concurrency = numFlag("concurrency", 64);
const durationMs = numFlag("duration-ms", 5_000);
const warmupMs = numFlag("warmup-ms", 1_000);
const modes = flag("modes", "healthz,send").split(",") as ("healthz" | "send")[];

const child = await spawnParley();
try {
  const users = await registerUsers(child.url, botCount * 2);
  const bots = [];
  for (let i = 0; i < botCount; i++) {
    const [bot, peer] = [users[2 * i]!, users[2 * i + 1]!];
    bots.push({ token: bot.accessToken, conv: await directConversation(child.url, bot, peer) });
  }
  const results: Record<string, Record<string, any>> = {};
  for (const mode of modes) {
    const before = commitBatches(await (await fetch(`${child.url}/metrics`)).text());
    const [cpu0, main0] = [cpuSeconds(child.pid), cpuSeconds(child.pid, true)];
    const result = await runGenerator("bench/lib/load-http.ts", { url: child.url, mode, concurrency, warmupMs, durationMs, bots }, warmupMs + durationMs + 30_000);
    results[mode] = result;
    const [cpu, main] = [cpuSeconds(child.pid) - cpu0, cpuSeconds(child.pid, true) - main0];
    const after = commitBatches(await (await fetch(`${child.url}/metrics`)).text());
    Object.assign(result, {
      ...(mode === "send" ? { messagesPerCommit: (after.messages - before.messages) / (after.commits - before.commits) } : {}),
      serverCpuUsPerRequest: (1e6 * cpu) / result.answered,
      mainThreadCpuUsPerRequest: (1e6 * main) / result.answered,
    });
    emit({
      bench: "http",
      ...result,
      bots: botCount,
      serverCpuSec: cpu,
    });
  }
  const { healthz, send } = results;
  if (healthz && send)
    emit({
      bench: "http",
      ratio: "send/healthz",
      concurrency,
      healthzPerSec: healthz.requestsPerSec,
      sendPerSec: send.requestsPerSec,
      throughputRatio: send.requestsPerSec / healthz.requestsPerSec,
      // what the throughput ratio would be if the server's main thread were all that limited it
      mainThreadCpuRatio: healthz.mainThreadCpuUsPerRequest / send.mainThreadCpuUsPerRequest,
      sendP99: send.p99,
      healthzP99: healthz.p99,
    });
} finally {
  await child.stop();
}
