// A soak run: `npm run bench:soak -- --minutes=N` (also --pairs=P --rate=R --reconnects=C
// --reads=H, or env MINUTES, PAIRS, RATE, RECONNECTS, READS). Steady load from its own process
// (bench/lib/load-soak.ts): 2P users each sending R messages/s over WebSocket, C sockets closed
// and reopened every second, H history pages read every second. Every minute it prints the
// server's RSS, its open file descriptors (/proc/<pid>/fd), the sockets it holds (GET /metrics)
// and the send→ack p99 of that minute: a leak shows as a line that keeps rising.
import { readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { metric, scrape } from "./lib/metrics.ts";
import { benchEnv, ROOT, spawnParley } from "./lib/server.ts";
import { emit, numFlag, rssKiB } from "./lib/stats.ts";
import { directConversation, registerUsers } from "./lib/users.ts";

const minutes = numFlag("minutes", 30);
const pairs = numFlag("pairs", 50);
const rate = numFlag("rate", 10);
const reconnects = numFlag("reconnects", 5);
const reads = numFlag("reads", 20);

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

const server = await spawnParley();
try {
  const users = await registerUsers(server.url, pairs * 2, 16, "k");
  const config = [];
  for (let i = 0; i < pairs; i++) {
    const conv = await directConversation(server.url, users[2 * i]!, users[2 * i + 1]!);
    for (const u of [users[2 * i]!, users[2 * i + 1]!]) config.push({ token: u.accessToken, refreshToken: u.refreshToken, conv });
  }
  const cfgPath = join(tmpdir(), `parley-soak-${process.pid}.json`);
  writeFileSync(cfgPath, JSON.stringify({ url: server.url, minutes, ratePerSec: rate, reconnectsPerSec: reconnects, readsPerSec: reads, users: config }));
  const sample = async () => ({ rssMiB: rssKiB(server.pid) / 1024, openFds: openFds(server.pid), sockets: metric(await scrape(server.url), "parley_ws_open_sockets") });
  emit({ bench: "soak", minute: 0, pairs, ratePerSec: rate * pairs * 2, reconnectsPerSec: reconnects, readsPerSec: reads, ...(await sample()) });
  const gen = Bun.spawn([process.execPath, "bench/lib/load-soak.ts", cfgPath], { cwd: ROOT, stdout: "pipe", stderr: "inherit", env: benchEnv() });
  const decoder = new TextDecoder();
  let buffered = "";
  const reader = (gen.stdout as ReadableStream<Uint8Array>).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    buffered += decoder.decode(r.value, { stream: true });
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
      const line = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      emit({ bench: "soak", ...line, ...(await sample()) });
    }
  }
  await gen.exited;
  unlinkSync(cfgPath);
} finally {
  await server.stop();
}
