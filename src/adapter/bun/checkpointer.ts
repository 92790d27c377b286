// WAL checkpoints off the event loop. SQLite's own (automatic) checkpoint runs inside the COMMIT
// that pushes the WAL past 1,000 pages, on the connection that commits: on this server that is the
// event loop, held for the copy and two fsyncs, while every socket and request waits (the long
// tail of an everyday send's latency). Here a small process of its own checkpoints the file every
// `everyMs`, and the server's connection checkpoints itself only when the WAL grew past
// `fallbackPages` anyway (the checkpointer fell behind or died). Durability is the same: a commit
// is in the WAL before it is acknowledged, whoever later copies it into the file.
// A process, not a thread: a Worker that holds a libSQL connection aborts the whole process when
// it is terminated (a panic in the native binding), and SQLite's locks between processes on one
// file are the case it is built for.
import { fileURLToPath } from "node:url";
import type { Client } from "@libsql/client";

const script = fileURLToPath(new URL("./checkpoint-process.ts", import.meta.url));

export async function checkpointOffLoop(
  client: Client,
  opts: { url: string; synchronous: string; everyMs?: number; fallbackPages?: number },
): Promise<{ stop(): void }> {
  await client.execute(`PRAGMA wal_autocheckpoint = ${opts.fallbackPages ?? 20_000}`);
  const proc = Bun.spawn([process.execPath, script, opts.url, opts.synchronous, String(opts.everyMs ?? 250)], {
    stdin: "pipe",
    stdout: "ignore",
    stderr: "inherit",
  });
  return {
    stop() {
      proc.stdin.end();
      proc.kill();
    },
  };
}
