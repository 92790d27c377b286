// The WAL checkpointer's process (see checkpointer.ts): its own connection to the database file,
// copying committed pages from the WAL into the file every `everyMs`. PASSIVE: it never waits for
// a lock and never holds up the writer; what it cannot copy now it copies next time.
//   bun src/adapter/bun/checkpoint-process.ts <file: url> <NORMAL|FULL> <everyMs>
// It ends when its stdin closes: when the server stops or dies, however it dies.
import { createClient } from "@libsql/client";

const [url, synchronous, everyMs] = process.argv.slice(2) as [string, string, string];
const client = createClient({ url, concurrency: 1 });
// A checkpoint syncs the WAL before it copies (NORMAL and FULL alike): the pages it copies are on
// disk first, so a crash in between loses nothing.
await client.execute(`PRAGMA synchronous = ${synchronous === "FULL" ? "FULL" : "NORMAL"}`);
void (async () => {
  for await (const _ of process.stdin);
  process.exit(0);
})();
for (;;) {
  await Bun.sleep(Number(everyMs));
  try {
    await client.execute("PRAGMA wal_checkpoint(PASSIVE)");
  } catch {
    // busy (another process's checkpoint): next time
  }
}
