// Memory per idle authenticated socket: `npm run bench:conns` (flags --sockets=N --nodes=K
// --devices-per-user=D --settle-ms=S --heartbeat-ms=H, or env SOCKETS, NODES, DEVICES_PER_USER,
// SETTLE_MS, HEARTBEAT_MS).
// Every socket is a file descriptor in the server and in the opener: both start with their
// open-file soft limit raised to the hard limit. Raising the hard limit itself needs
// CAP_SYS_RESOURCE (or root's ulimit -Hn before the bench runs), so past one process's limit the
// sockets are spread over K server processes (--nodes, default 1): Parley nodes sharing one
// database (no Upstash: each node's presence and bus in its memory), and as many relays. Socket
// i belongs to user i % U (U = N / D); user u's sockets all go to node u % K (so every node holds
// D devices per user, as one process does), each node's from an opener process of its own, to the
// node's own port (the ephemeral port range is per destination). N is cut to what the per-process
// limits leave room for (printed as `limitedBy`).
// For the raw relay (baseline) and Parley in turn: start the K servers, (Parley: register the
// users, each on its node), read their RSS, open the sockets (bench/lib/load-connections.ts;
// Parley: hello, welcome), let them settle, read RSS again, then check that every socket is still
// open and authenticated: the servers count them (Parley: gauge parley_ws_open_sockets; relay:
// GET /sockets) and each socket answers a ping (Parley: pong, sent only after welcome).
// Prints KB per socket per node and over all nodes: the summed RSS growth / the sockets.
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { metric, scrape } from "./lib/metrics.ts";
import { benchEnv, fileHardLimit, ROOT, spawnChild, spawnParley, tempDir, withMaxFiles, type Child } from "./lib/server.ts";
import { emit, numFlag, rssKiB } from "./lib/stats.ts";
import { registerUsers } from "./lib/users.ts";

const requested = numFlag("sockets", 10_000);
const nodes = numFlag("nodes", 1);
const devicesPerUser = numFlag("devices-per-user", 10);
const settleMs = numFlag("settle-ms", 3_000);
/** descriptors a process needs besides the sockets (database, listener, stdio, runtime) */
const FD_HEADROOM = 200;
/** the server's heartbeat (its default), passed to it and to the openers so both sides agree */
const HEARTBEAT_MS = numFlag("heartbeat-ms", 30_000);

const hardLimit = fileHardLimit();
// An opener's sockets all go to one server port: one per local port of the ephemeral range.
const [lowPort, highPort] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
const ephemeralPorts = highPort! - lowPort! + 1;
const perNode = Math.min(hardLimit - FD_HEADROOM, ephemeralPorts);
const sockets = Math.min(requested, nodes * perNode);
const userCount = Math.ceil(sockets / devicesPerUser);
if (sockets < requested) {
  const limitedBy = `${perNode} sockets per process × ${nodes} nodes (open-file hard limit ${hardLimit} (ulimit -Hn), ${ephemeralPorts} ephemeral ports)`;
  emit({ bench: "connections", requested, sockets, limitedBy });
}

type Target = "raw-relay" | "parley";
interface Node {
  child: Child;
  /** users whose sockets this node holds, and how many sockets */
  users: { id: string; token: string }[];
  sockets: number;
}

/** Socket i → user i % U → node (i % U) % K: how many sockets each node holds, and its users. */
function layout(): { sockets: number; users: number[] }[] {
  const out = Array.from({ length: nodes }, () => ({ sockets: 0, users: [] as number[] }));
  for (let u = 0; u < userCount; u++) out[u % nodes]!.users.push(u);
  for (let u = 0; u < userCount; u++) out[u % nodes]!.sockets += Math.floor(sockets / userCount) + (u < sockets % userCount ? 1 : 0);
  return out;
}

async function startNodes(target: Target): Promise<{ nodes: Node[]; stop(): Promise<void> }> {
  const plan = layout();
  const started: Child[] = [];
  const data = tempDir();
  const stop = async () => {
    await Promise.all(started.map((c) => c.stop()));
    data.remove();
  };
  try {
    // One at a time: the first Parley node migrates the shared database before the others open it.
    for (let k = 0; k < nodes; k++) {
      started.push(
        target === "raw-relay"
          ? await spawnChild({ args: ["bench/raw-relay.ts"], env: benchEnv(), maxFiles: true })
          : await spawnParley({
              dataDir: data.dir,
              env: { MAX_DEVICES_PER_USER: String(devicesPerUser), HEARTBEAT_MS: String(HEARTBEAT_MS) },
              maxFiles: true,
            }),
      );
    }
    const users = await Promise.all(
      plan.map(async (p, k) => {
        if (target === "raw-relay") return p.users.map((u) => ({ id: `u${u}`, token: "" }));
        const registered = await registerUsers(started[k]!.url, p.users.length, 16, `b${k}`);
        return registered.map((u) => ({ id: u.id, token: u.accessToken }));
      }),
    );
    return { nodes: plan.map((p, k) => ({ child: started[k]!, users: users[k]!, sockets: p.sockets })), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** RSS after a quiet moment: the lowest of a few readings (allocator and GC settle). */
async function settledRss(pid: number): Promise<number> {
  await Bun.sleep(settleMs);
  let min = Infinity;
  for (let i = 0; i < 5; i++, await Bun.sleep(200)) min = Math.min(min, rssKiB(pid));
  return min;
}

/** A socket opener for one node: its process, and its stdout line by line. */
function startOpener(target: Target, node: Node, k: number) {
  const cfgPath = join(tmpdir(), `parley-conns-${process.pid}-${target}-${k}.json`);
  const cfg = { mode: target === "raw-relay" ? "relay" : "parley", url: node.child.url, sockets: node.sockets, users: node.users, heartbeatMs: HEARTBEAT_MS };
  writeFileSync(cfgPath, JSON.stringify(cfg));
  const proc: Subprocess<"pipe", "pipe", "inherit"> = Bun.spawn(withMaxFiles([process.execPath, "bench/lib/load-connections.ts", cfgPath]), {
    cwd: ROOT,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
    env: benchEnv(),
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const nextLine = async (): Promise<any> => {
    while (!buffered.includes("\n")) {
      const r = await reader.read();
      if (r.done) throw new Error(`${target} node ${k}: the socket opener exited (${proc.exitCode ?? proc.signalCode})`);
      buffered += decoder.decode(r.value, { stream: true });
    }
    const i = buffered.indexOf("\n");
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    return JSON.parse(line);
  };
  return {
    opened: (): Promise<{ opened: number; ms: number }> => nextLine(),
    /** pings every socket: how many answered, how many closed */
    async check(): Promise<{ answered: number; closed: number; codes: Record<string, number> }> {
      proc.stdin.write("check\n");
      proc.stdin.flush();
      return nextLine();
    },
    async stop() {
      proc.kill("SIGKILL");
      await proc.exited;
      unlinkSync(cfgPath);
    },
  };
}

async function measure(target: Target): Promise<{ sockets: number; kbPerSocket: number }> {
  const cluster = await startNodes(target);
  const openers: ReturnType<typeof startOpener>[] = [];
  try {
    const before = await Promise.all(cluster.nodes.map((n) => settledRss(n.child.pid)));
    openers.push(...cluster.nodes.map((n, k) => startOpener(target, n, k)));
    const opened = await Promise.all(openers.map((o) => o.opened()));
    const after = await Promise.all(cluster.nodes.map((n) => settledRss(n.child.pid)));
    // Still there at the measurement point: counted by each server, and each socket answers.
    const held = await Promise.all(
      cluster.nodes.map(async (n) =>
        target === "parley" ? metric(await scrape(n.child.url), "parley_ws_open_sockets") : ((await (await fetch(`${n.child.url}/sockets`)).json()) as { open: number }).open,
      ),
    );
    const checks = await Promise.all(openers.map((o) => o.check()));
    const total = { opened: 0, held: 0, answered: 0, closed: 0, growthKiB: 0, closeCodes: {} as Record<string, number> };
    cluster.nodes.forEach((n, k) => {
      const growthKiB = after[k]! - before[k]!;
      const record = {
        bench: "connections",
        target,
        node: k,
        sockets: opened[k]!.opened,
        serverSockets: held[k]!,
        answered: checks[k]!.answered,
        openMs: opened[k]!.ms,
        rssBeforeMiB: before[k]! / 1024,
        rssAfterMiB: after[k]! / 1024,
        kbPerSocket: (growthKiB * 1024) / 1000 / opened[k]!.opened,
        ...(checks[k]!.closed > 0 ? { closed: checks[k]!.closed, closeCodes: checks[k]!.codes } : {}),
      };
      if (nodes > 1) emit(record);
      total.opened += record.sockets;
      total.held += record.serverSockets;
      total.answered += record.answered;
      total.closed += checks[k]!.closed;
      for (const [code, n] of Object.entries(checks[k]!.codes)) total.closeCodes[code] = (total.closeCodes[code] ?? 0) + n;
      total.growthKiB += growthKiB;
    });
    const record = {
      bench: "connections",
      target,
      nodes,
      sockets: total.opened,
      serverSockets: total.held,
      answered: total.answered,
      closed: total.closed,
      ...(total.closed > 0 ? { closeCodes: total.closeCodes } : {}),
      openMs: Math.max(...opened.map((o) => o.ms)),
      rssGrowthMiB: total.growthKiB / 1024,
      kbPerSocket: (total.growthKiB * 1024) / 1000 / total.opened,
      ...(nodes === 1 ? { rssBeforeMiB: before[0]! / 1024, rssAfterMiB: after[0]! / 1024 } : {}),
    };
    emit(record);
    if (total.held !== sockets || total.answered !== sockets) emit({ bench: "connections", target, warning: `${sockets} sockets asked, ${total.held} held by the servers, ${total.answered} answered` });
    return record;
  } finally {
    await Promise.all(openers.map((o) => o.stop()));
    await cluster.stop();
  }
}

const relay = await measure("raw-relay");
const ours = await measure("parley");
emit({
  bench: "connections",
  ratio: "parley/raw-relay",
  nodes,
  sockets,
  relayKbPerSocket: relay.kbPerSocket,
  kbPerSocket: ours.kbPerSocket,
  ratioPerSocket: ours.kbPerSocket / relay.kbPerSocket,
});
