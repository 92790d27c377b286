// The WAL checkpointer's thread (see checkpointer.ts): its own connection to the database file,
// copying committed pages from the WAL into the file every `everyMs`. PASSIVE: it never waits for
// a lock and never holds up the writer; what it cannot copy now it copies next time.
import { createClient } from "@libsql/client";

declare const self: Worker;

self.onmessage = async (event: MessageEvent<{ url: string; synchronous: string; everyMs: number }>) => {
  const { url, synchronous, everyMs } = event.data;
  const client = createClient({ url, concurrency: 1 });
  // A checkpoint syncs the WAL before it copies (NORMAL and FULL alike): the pages it copies are
  // on disk first, so a crash in between loses nothing.
  await client.execute(`PRAGMA synchronous = ${synchronous}`);
  for (;;) {
    await Bun.sleep(everyMs);
    try {
      await client.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch {
      // busy (another process's checkpoint) or the file is gone at shutdown: next time
    }
  }
};
