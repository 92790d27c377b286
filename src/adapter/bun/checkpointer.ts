// WAL checkpoints off the event loop. SQLite's own (automatic) checkpoint runs inside the COMMIT
// that pushes the WAL past 1,000 pages, on the connection that commits: on this server that is the
// event loop, held for the copy and two fsyncs, while every socket and request waits (the long
// tail of an everyday send's latency). Here a thread of its own checkpoints the file every
// `everyMs`, and the server's connection checkpoints itself only when the WAL grew past
// `fallbackPages` anyway (the thread fell behind or died). Durability is the same: a commit is in
// the WAL before it is acknowledged, whoever later copies it into the file.
import type { Client } from "@libsql/client";

export async function checkpointOffLoop(
  client: Client,
  opts: { url: string; synchronous: string; everyMs?: number; fallbackPages?: number },
): Promise<{ stop(): void }> {
  await client.execute(`PRAGMA wal_autocheckpoint = ${opts.fallbackPages ?? 20_000}`);
  const worker = new Worker(new URL("./checkpoint-worker.ts", import.meta.url));
  worker.postMessage({ url: opts.url, synchronous: opts.synchronous, everyMs: opts.everyMs ?? 250 });
  return { stop: () => worker.terminate() };
}
