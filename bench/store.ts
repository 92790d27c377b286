// The commit path alone: `npm run bench:store` (flags --convs=C --batch=B --messages=N, or env
// CONVS, BATCH, MESSAGES). How many messages per second the embedded store can append at all,
// in this process, with no sockets, no JSON frames and no auth: the ceiling of any send bench.
// C conversations, batches of B messages spread over them (the 1:1 bench's batches are ~250
// over 50 conversations), each batch one appendEntries call = one transaction.
// Baseline in the same run: the same rows put into the same schema by bun:sqlite's prepared
// INSERT, one transaction per batch: SQLite's own cost, without seq allocation or idempotency.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { newId } from "../src/core/random.ts";
import type { NewEntry } from "../src/core/store/message-log.ts";
import { openLibsql } from "../src/adapter/bun/store.ts";
import { tempDir } from "./lib/server.ts";
import { emit, numFlag, round } from "./lib/stats.ts";

const convCount = numFlag("convs", 50);
const batchSize = numFlag("batch", 250);
const total = numFlag("messages", 100_000);
const batches = Math.ceil(total / batchSize);

const message = (conv: string, sender: string, n: number): NewEntry => ({
  id: newId(),
  conv,
  sender,
  clientId: `client-${n}`,
  ts: Date.now(),
  body: { type: "text", text: `t:${n} hello from ${sender}` },
});

/** A fresh database with Parley's schema and C direct conversations (each sent into by its `a`). */
async function setUp(dir: string) {
  const opened = await openLibsql({ dataDir: dir, synchronous: "NORMAL" });
  const convs: { id: string; sender: string }[] = [];
  for (let i = 0; i < convCount; i++) {
    const [a, b] = [`a${i}`, `b${i}`];
    for (const id of [a, b]) await opened.store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
    convs.push({ id: (await opened.store.conversations.createDirect({ id: newId(), directKey: `${a}:${b}`, createdAt: 0 }, [a, b])).id, sender: a });
  }
  return { ...opened, convs };
}

async function parley(dir: string): Promise<number> {
  const { store, client, convs } = await setUp(dir);
  let n = 0;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const batch = Array.from({ length: batchSize }, () => {
      const c = convs[n % convCount]!;
      return message(c.id, c.sender, n++);
    });
    await store.messageLog.appendEntries(batch);
  }
  const seconds = (performance.now() - started) / 1000;
  client.close();
  return n / seconds;
}

/** The same rows by a prepared INSERT into the same schema: seqs counted in JS. */
async function plainSqlite(dir: string): Promise<number> {
  const { client, convs } = await setUp(dir);
  client.close();
  const db = new Database(join(dir, "parley.db"));
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  const insert = db.prepare("INSERT INTO messages (conv_id, seq, id, sender_id, client_id, ts, body) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const seqs = new Map<string, number>();
  const commitBatch = db.transaction((rows: NewEntry[]) => {
    for (const m of rows) {
      const seq = (seqs.get(m.conv) ?? 0) + 1;
      seqs.set(m.conv, seq);
      insert.run(m.conv, seq, m.id, m.sender, m.clientId, m.ts, JSON.stringify(m.body));
    }
  });
  let n = 0;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    commitBatch(
      Array.from({ length: batchSize }, () => {
        const c = convs[n % convCount]!;
        return message(c.id, c.sender, n++);
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return n / seconds;
}

const data = tempDir("parley-bench-store-");
const plainData = tempDir("parley-bench-store-");
try {
  const msgsPerSec = await parley(data.dir);
  emit({ bench: "store", target: "parley appendEntries", convs: convCount, batch: batchSize, messages: batches * batchSize, msgsPerSec: round(msgsPerSec), usPerMsg: round(1e6 / msgsPerSec) });
  const plainPerSec = await plainSqlite(plainData.dir);
  emit({ bench: "store", target: "bun:sqlite prepared INSERT", convs: convCount, batch: batchSize, messages: batches * batchSize, msgsPerSec: round(plainPerSec), usPerMsg: round(1e6 / plainPerSec) });
  emit({ bench: "store", ratio: "parley/bun:sqlite", throughputRatio: round(msgsPerSec / plainPerSec, 3) });
} finally {
  data.remove();
  plainData.remove();
}
