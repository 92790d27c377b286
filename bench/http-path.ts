// The HTTP send path's CPU per request, in one process, without sockets or a load process:
// `npx bun bench/http-path.ts` (flags --mode=send|http|healthz --requests=N --rounds=R
// --against=<checkout>; SEARCH_INDEX=off as for the server).
// Parley's own server (startServer, on a temp DATA_DIR, bench settings) with its fetch handler
// called directly, 64 requests in flight over 20 bots, each posting into its own direct
// conversation as bench:http does. Measured: the main thread's CPU µs per request (and the
// process's). Modes: `send`, the whole send (committed); `http`, the same requests with
// `Messages.send` standing in for the domain and the store (an answer at once): what the HTTP
// layer costs (middleware, auth, validation, the route, the JSON answer); `healthz`, GET /healthz.
// A send's commit costs less per message in bigger batches: `messagesPerCommit` says how big they
// were (bench:http prints it too; here all 64 requests come back within a turn, so batches are bigger).
// bench:http adds Bun's HTTP server and the load generator sharing the machine, whose noise
// hides a few µs; this one does not. --against=<another checkout of Parley> runs its server in
// the same process, rounds alternating, and prints both medians and their ratio.
import { commitBatches, cpuSeconds, emit, flag, median, numFlag, round } from "./lib/stats.ts";
import { BENCH_SETTINGS, tempDir } from "./lib/server.ts";

const mode = flag("mode", "send") as "send" | "http" | "healthz";
const requests = numFlag("requests", 20_000);
const rounds = numFlag("rounds", 6);
const against = flag("against", "");
const BOTS = 20;
const IN_FLIGHT = 64;

interface Build {
  name: string;
  run(): Promise<{ mainUs: number; processUs: number; perCommit: number }>;
  stop(): Promise<void>;
}

async function load(name: string, root: string): Promise<Build> {
  const { loadConfig } = (await import(`${root}/src/config.ts`)) as typeof import("../src/config.ts");
  const { startServer } = (await import(`${root}/src/adapter/bun/server.ts`)) as typeof import("../src/adapter/bun/server.ts");
  const { Messages } = (await import(`${root}/src/core/messages.ts`)) as typeof import("../src/core/messages.ts");
  const { setupLogging } = (await import(`${root}/src/log.ts`)) as typeof import("../src/log.ts");
  await setupLogging("warning"); // as bench:http's server runs (LOG_LEVEL=warning: no access log)
  const data = tempDir();
  // the server's fetch handler, taken from its Bun.serve call
  const serve = Bun.serve;
  let handle!: (request: Request, server: unknown) => Promise<Response>;
  let bunServer: unknown;
  Object.assign(Bun, { serve: (options: Parameters<typeof Bun.serve>[0]) => ((handle = options.fetch as never), (bunServer = serve(options))) });
  const server = await startServer(
    loadConfig({ ...BENCH_SETTINGS, DATA_DIR: data.dir, PORT: "0", SEARCH_INDEX: process.env.SEARCH_INDEX ?? "on" }),
  ).finally(() => Object.assign(Bun, { serve }));
  const call = async (path: string, init: { method?: string; token?: string; body?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) Object.assign(headers, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(init.body)) });
    const res = await handle(new Request(server.url + path, { method: init.method ?? "GET", headers, body: init.body }), bunServer);
    return { status: res.status, body: await res.text() };
  };
  const register = async (username: string) => {
    const res = await call("/v1/auth/register", { method: "POST", body: JSON.stringify({ username, password: "bench-password-0123" }) });
    return JSON.parse(res.body) as { accessToken: string; user: { id: string } };
  };
  const bots: { token: string; conv: string }[] = [];
  for (let i = 0; i < BOTS; i++) {
    const [bot, peer] = [await register(`bot_${i}`), await register(`peer_${i}`)];
    const res = await call("/v1/conversations", { method: "POST", token: bot.accessToken, body: JSON.stringify({ kind: "direct", with: peer.user.id }) });
    bots.push({ token: bot.accessToken, conv: (JSON.parse(res.body) as { id: string }).id });
  }

  // mode http: the domain and the store answer at once, as a committed send would
  const send = Messages.prototype.send;
  let seq = 0;
  const standIn: typeof send = async (userId, conv, input) => ({
    message: { id: crypto.randomUUID(), conv, seq: ++seq, sender: userId, ts: Date.now(), clientId: input.clientId, body: input.body } as never,
    created: true,
  });
  let sent = 0;
  return {
    name,
    async run() {
      let left = requests;
      let failed = 0;
      const loop = async (i: number) => {
        const bot = bots[i % BOTS]!;
        while (left-- > 0) {
          const n = sent++;
          const res =
            mode === "healthz"
              ? await call("/healthz")
              : await call(`/v1/conversations/${bot.conv}/messages`, { method: "POST", token: bot.token, body: `{"clientId":"h${i}.${n}","body":{"type":"text","text":"bot message ${n}"}}` });
          if (res.status >= 300) failed++;
        }
      };
      if (mode === "http") Messages.prototype.send = standIn;
      const before = commitBatches((await call("/metrics")).body);
      const [main0, cpu0] = [cpuSeconds(process.pid, true), process.cpuUsage()];
      await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => loop(i)));
      const [main, cpu] = [cpuSeconds(process.pid, true) - main0, process.cpuUsage(cpu0)];
      const after = commitBatches((await call("/metrics")).body);
      Messages.prototype.send = send;
      if (failed > 0) throw new Error(`${name}: ${failed} requests failed`);
      return { mainUs: (1e6 * main) / requests, processUs: (cpu.user + cpu.system) / requests, perCommit: (after.messages - before.messages) / (after.commits - before.commits) };
    },
    async stop() {
      await server.stop();
      data.remove();
    },
  };
}

const builds = [await load("this", new URL("..", import.meta.url).pathname), ...(against ? [await load("against", against)] : [])];
/**
 * Waits until the process is idle (the search indexers catching up on what a round committed), at
 * most 30 s, so that no build's round pays for the one before (they share the thread).
 */
async function settle(): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const before = cpuSeconds(process.pid, true);
    await Bun.sleep(200);
    if (cpuSeconds(process.pid, true) - before < 0.01) return;
  }
}

for (const build of builds) await build.run(); // warm-up
const main = builds.map(() => [] as number[]);
const whole = builds.map(() => [] as number[]);
const perCommit = builds.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...builds.keys()].reverse() : [...builds.keys()];
  for (const b of order) {
    await settle();
    const run = await builds[b]!.run();
    main[b]!.push(run.mainUs);
    whole[b]!.push(run.processUs);
    perCommit[b]!.push(run.perCommit);
  }
}
for (const [b, build] of builds.entries()) {
  emit({ bench: "http-path", build: build.name, mode, requests, rounds, mainThreadCpuUsPerRequest: median(main[b]!), processCpuUsPerRequest: median(whole[b]!), ...(mode === "send" ? { messagesPerCommit: median(perCommit[b]!) } : {}), runs: main[b]!.map((x) => round(x, 1)) });
}
if (against) {
  const lower = main[0]!.filter((x, r) => x < main[1]![r]!).length;
  emit({ bench: "http-path", ratio: "this/against", mainThreadCpuRatio: median(main[0]!) / median(main[1]!), lowerInRounds: `${lower} of ${rounds}` });
}
for (const build of builds) await build.stop();
process.exit(0);
