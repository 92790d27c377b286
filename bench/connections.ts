// Memory per idle authenticated socket: `npm run bench:conns` (flags --sockets=N
// --devices-per-user=D --settle-ms=S, or env SOCKETS, DEVICES_PER_USER, SETTLE_MS).
// Every socket is a file descriptor in the server and in the opener: both start with their
// open-file soft limit raised to the hard limit, and N is cut to what that limit leaves room for
// (printed as `limitedBy`). Raising the hard limit itself needs CAP_SYS_RESOURCE (or root's
// ulimit -Hn before the bench runs).
// For the raw relay (baseline) and Parley in turn: start the server, (Parley: register
// N / D users), read its RSS, open N sockets from bench/lib/load-connections.ts in its own
// process (Parley: hello, welcome), let it settle, read RSS again; prints KB per socket.
import { unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchEnv, fileHardLimit, ROOT, spawnChild, spawnParley, withMaxFiles, type Child } from "./lib/server.ts";
import { emit, numFlag, rssKiB } from "./lib/stats.ts";
import { registerUsers } from "./lib/users.ts";

const requested = numFlag("sockets", 10_000);
/** descriptors a process needs besides the sockets (database, listener, stdio, runtime) */
const FD_HEADROOM = 200;
const hardLimit = fileHardLimit();
const sockets = Math.min(requested, hardLimit - FD_HEADROOM);
if (sockets < requested) emit({ bench: "connections", requested, sockets, limitedBy: `open-file hard limit ${hardLimit} (ulimit -Hn) per process` });
const devicesPerUser = numFlag("devices-per-user", 10);
const settleMs = numFlag("settle-ms", 3_000);

/** RSS after a quiet moment: the lowest of a few readings (allocator and GC settle). */
async function settledRss(pid: number): Promise<number> {
  await Bun.sleep(settleMs);
  let min = Infinity;
  for (let i = 0; i < 5; i++, await Bun.sleep(200)) min = Math.min(min, rssKiB(pid));
  return min;
}

async function measure(target: "raw-relay" | "parley"): Promise<Record<string, number | string>> {
  let child: Child;
  let users: { id: string; token: string }[];
  if (target === "raw-relay") {
    child = await spawnChild({ args: ["bench/raw-relay.ts"], env: benchEnv(), maxFiles: true });
    users = Array.from({ length: Math.ceil(sockets / devicesPerUser) }, (_, i) => ({ id: `u${i}`, token: "" }));
  } else {
    child = await spawnParley({ env: { MAX_DEVICES_PER_USER: String(devicesPerUser) }, maxFiles: true });
    users = (await registerUsers(child.url, Math.ceil(sockets / devicesPerUser))).map((u) => ({ id: u.id, token: u.accessToken }));
  }
  const cfgPath = join(tmpdir(), `parley-conns-${process.pid}-${target}.json`);
  writeFileSync(cfgPath, JSON.stringify({ mode: target === "raw-relay" ? "relay" : "parley", url: child.url, sockets, users }));
  const before = await settledRss(child.pid);
  const gen = Bun.spawn(withMaxFiles([process.execPath, "bench/lib/load-connections.ts", cfgPath]), { cwd: ROOT, stdout: "pipe", stderr: "inherit", env: benchEnv() });
  try {
    const reader = (gen.stdout as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let line = "";
    while (!line.includes("\n")) {
      const r = await reader.read();
      if (r.done) throw new Error(`${target}: the socket opener exited (${gen.exitCode})`);
      line += decoder.decode(r.value, { stream: true });
    }
    const opened = JSON.parse(line.split("\n")[0]!) as { opened: number; ms: number };
    const after = await settledRss(child.pid);
    const record = {
      bench: "connections",
      target,
      sockets: opened.opened,
      openMs: opened.ms,
      rssBeforeMiB: before / 1024,
      rssAfterMiB: after / 1024,
      kbPerSocket: ((after - before) * 1024) / 1000 / opened.opened,
    };
    emit(record);
    return record;
  } finally {
    gen.kill("SIGKILL");
    await gen.exited;
    unlinkSync(cfgPath);
    await child.stop();
  }
}

const relay = await measure("raw-relay");
const ours = await measure("parley");
emit({
  bench: "connections",
  ratio: "parley/raw-relay",
  sockets,
  relayKbPerSocket: relay.kbPerSocket,
  kbPerSocket: ours.kbPerSocket,
  ratioPerSocket: (ours.kbPerSocket as number) / (relay.kbPerSocket as number),
});
