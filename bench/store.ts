// The commit path alone: `npm run bench:store` (flags --convs=C --batch=B[,B2…] --messages=N
// --log-size=L --log-convs=K --log-template=DIR --active=new|filled --client-ids=counter|random|v7, or env CONVS,
// BATCH, MESSAGES, LOG_SIZE, LOG_CONVS, ACTIVE, CLIENT_IDS). How many
// messages per second the embedded store can append at all (and the CPU time per message),
// in this process, with no sockets, no JSON frames and no auth: the ceiling of any send bench.
// C conversations, batches of B messages spread over them, each batch one appendEntries call = one
// transaction. Two shapes by default (--batch=250,20): a saturated server's batches (the 1:1
// bench's are ~250 over 50 conversations), and everyday ones (at 6,000 sends/s a commit holds ~18
// messages), where the fixed cost of a transaction, not the rows, is most of the CPU: so CPU time
// is printed per message and per commit.
// Baseline in the same run: the same rows put into the same schema by bun:sqlite's prepared
// INSERT, one transaction per batch: SQLite's own cost, without seq allocation or idempotency.
// --log-size=L: both databases already hold L entries over K other conversations (default 10,000)
// when the measurement starts, so the tables and indexes no longer fit SQLite's page cache (a
// floor measured on an empty table flatters everything). They are put in once by a bare
// INSERT … SELECT inside SQLite (random client ids, as clients make them) and the file is copied.
// --log-template=DIR: the filled file is kept in DIR (made there on the first run, reused after),
// so runs comparing two versions of the code start from the same log without filling it each time
// (a version with newer migrations applies them to its copy when it opens it).
// --active=filled: the C conversations sent into are C of the filled ones, by the sender who wrote
// their history (so the new rows go where the idempotency index is already large), not new ones.
// --client-ids: the new messages' clientIds: `client-<n>` (default), random UUIDs (v4, as most
// clients make them) or time-ordered ones (v7, as the SDK makes them).
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { newId } from "../src/core/random.ts";
import type { NewEntry } from "../src/core/store/message-log.ts";
import { openLibsql } from "../src/adapter/bun/store.ts";
import { tempDir } from "./lib/server.ts";
import { emit, flag, numFlag, round } from "./lib/stats.ts";

const convCount = numFlag("convs", 50);
const batchSizes = flag("batch", "250,20").split(",").map(Number);
if (batchSizes.some((b) => !(b >= 1))) throw new Error("--batch: a comma-separated list of batch sizes");
const total = numFlag("messages", 100_000);
const logSize = numFlag("log-size", 0);
const logConvs = numFlag("log-convs", 10_000);
const active = flag("active", "new");
const clientIds = flag("client-ids", "counter");
if (active === "filled" && (logSize === 0 || convCount > logConvs)) throw new Error("--active=filled needs --log-size and --convs <= --log-convs");
const clientIdOf = (n: number) => (clientIds === "random" ? crypto.randomUUID() : clientIds === "v7" ? newId() : `client-${n}`);

const message = (conv: string, sender: string, n: number): NewEntry => ({
  id: newId(),
  conv,
  sender,
  clientId: clientIdOf(n),
  ts: Date.now(),
  body: { type: "text", text: `t:${n} hello from ${sender}` },
});

/** Parley's schema with `logSize` entries over `logConvs` conversations, in `dir`. */
async function filled(dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  (await openLibsql({ dataDir: dir, synchronous: "NORMAL" })).close();
  const db = new Database(join(dir, "parley.db"));
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = OFF");
  db.run("PRAGMA cache_size = -2000000");
  const started = performance.now();
  db.run(
    `INSERT INTO conversations (id, kind, direct_key, last_seq, created_at, last_activity_at)
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${logConvs})
     SELECT 'fill-' || i, 'direct', 'fill-' || i, ${Math.ceil(logSize / logConvs)}, 0, 0 FROM n`,
  );
  // each filled conversation's sender is its member (it may send into it: --active=filled)
  db.run(`INSERT INTO members (conv_id, user_id, role, joined_at) SELECT id, 'fill-sender-' || substr(id, 6), 'member', 0 FROM conversations WHERE id LIKE 'fill-%'`);
  const chunk = 500_000;
  for (let from = 0; from < logSize; from += chunk) {
    db.run(
      `INSERT INTO messages (conv_id, seq, id, sender_id, client_id, ts, body)
       WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${Math.min(logSize, from + chunk)})
       SELECT 'fill-' || (i % ${logConvs}), i / ${logConvs} + 1, printf('%08x-fill-%012d', i, i), 'fill-sender-' || (i % ${logConvs}),
         lower(hex(randomblob(16))), 0, '{"type":"text","text":"t:' || i || ' filled entry of the log"}' FROM n`,
    );
  }
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  return (performance.now() - started) / 1000;
}

/** A database with Parley's schema (and the filled log, if any) and C direct conversations (each sent into by its `a`). */
async function setUp(dir: string) {
  if (template) copyFileSync(join(template.dir, "parley.db"), join(dir, "parley.db"));
  const opened = await openLibsql({ dataDir: dir, synchronous: "NORMAL" });
  const convs: { id: string; sender: string }[] = [];
  if (active === "filled") for (let i = 0; i < convCount; i++) convs.push({ id: `fill-${i}`, sender: `fill-sender-${i}` });
  else for (let i = 0; i < convCount; i++) {
    const [a, b] = [`a${i}`, `b${i}`];
    for (const id of [a, b]) await opened.store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
    convs.push({ id: (await opened.store.conversations.createDirect({ id: newId(), directKey: `${a}:${b}`, createdAt: 0 }, [a, b])).id, sender: a });
  }
  return { ...opened, convs };
}

/** This process's CPU time (user + system) since `from`, in µs: on a loaded machine it moves far less than the wall clock. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return used.user + used.system;
};

interface Run {
  perSec: number;
  /** CPU µs per message */
  cpuUs: number;
}

async function parley(dir: string, batchSize: number): Promise<Run> {
  const { store, client, convs } = await setUp(dir);
  const batches = Math.ceil(total / batchSize);
  let n = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const batch = Array.from({ length: batchSize }, () => {
      const c = convs[n % convCount]!;
      return message(c.id, c.sender, n++);
    });
    await store.messageLog.appendEntries(batch);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = cpuSince(cpu0);
  client.close();
  return { perSec: n / seconds, cpuUs: cpuUs / n };
}

/** The same rows by a prepared INSERT into the same schema: seqs counted in JS. */
async function plainSqlite(dir: string, batchSize: number): Promise<Run> {
  const { client, convs } = await setUp(dir);
  client.close();
  const db = new Database(join(dir, "parley.db"));
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  const insert = db.prepare("INSERT INTO messages (conv_id, seq, id, sender_id, client_id, ts, body) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const seqs = new Map<string, number>();
  for (const c of convs) seqs.set(c.id, (db.query("SELECT max(seq) AS seq FROM messages WHERE conv_id = ?").get(c.id) as { seq: number | null }).seq ?? 0);
  const commitBatch = db.transaction((rows: NewEntry[]) => {
    for (const m of rows) {
      const seq = (seqs.get(m.conv) ?? 0) + 1;
      seqs.set(m.conv, seq);
      insert.run(m.conv, seq, m.id, m.sender, m.clientId, m.ts, JSON.stringify(m.body));
    }
  });
  const batches = Math.ceil(total / batchSize);
  let n = 0;
  const cpu0 = process.cpuUsage();
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
  const cpuUs = cpuSince(cpu0);
  db.close();
  return { perSec: n / seconds, cpuUs: cpuUs / n };
}

const keptTemplate = flag("log-template", "");
const template = logSize === 0 ? undefined : keptTemplate ? { dir: keptTemplate, remove() {} } : tempDir("parley-bench-store-");
const dirs: ReturnType<typeof tempDir>[] = [];
/** A fresh directory for one run (each starts from the same template). */
const data = () => {
  dirs.push(tempDir("parley-bench-store-"));
  return dirs.at(-1)!.dir;
};
try {
  if (template && !existsSync(join(template.dir, "parley.db"))) emit({ bench: "store", filled: logSize, logConvs, fillSeconds: await filled(template.dir) });
  for (const batch of batchSizes) {
    const shape = { logSize, convs: convCount, batch, messages: Math.ceil(total / batch) * batch, active, clientIds };
    const figures = (run: Run) => ({ msgsPerSec: round(run.perSec), usPerMsg: round(1e6 / run.perSec), cpuUsPerMsg: round(run.cpuUs), cpuUsPerCommit: round(run.cpuUs * batch) });
    const ours = await parley(data(), batch);
    emit({ bench: "store", target: "parley appendEntries", ...shape, ...figures(ours) });
    const plain = await plainSqlite(data(), batch);
    emit({ bench: "store", target: "bun:sqlite prepared INSERT", ...shape, ...figures(plain) });
    // cpuRatio: the same comparison in CPU time, which other work on the machine disturbs less
    emit({ bench: "store", ratio: "parley/bun:sqlite", logSize, batch, active, clientIds, throughputRatio: round(ours.perSec / plain.perSec, 3), cpuRatio: round(plain.cpuUs / ours.cpuUs, 3) });
  }
} finally {
  template?.remove();
  for (const dir of dirs) dir.remove();
}
