// Search latency over a large log: `npm run bench:search` (flags --entries=N --convs=C
// --member-of=M --queries=Q, or env ENTRIES, CONVS, MEMBER_OF, QUERIES).
// N entries (default 1M) of generated chat text, a tenth of them Chinese, over C group
// conversations; the searching user is a member of M of them (everyone else of the rest). The log
// is written and indexed through Parley's own store and indexer (src/core/search-indexer.ts), then
// each kind of query is asked Q times through the Search service (what GET /v1/search runs) and,
// as the baseline in the same run, as a plain `LIKE '%…%'` scan over the same rows with the same
// membership rule, newest first, 20 hits: what a server without a full-text index does.
import { openLibsql } from "../src/adapter/bun/store.ts";
import { newId } from "../src/core/random.ts";
import { Search } from "../src/core/search.ts";
import { SearchIndexer } from "../src/core/search-indexer.ts";
import type { NewEntry } from "../src/core/store/message-log.ts";
import { tempDir } from "./lib/server.ts";
import { emit, numFlag, round, summarize } from "./lib/stats.ts";

const total = numFlag("entries", 1_000_000);
const convCount = numFlag("convs", 1_000);
const memberOf = numFlag("member-of", 100);
const queries = numFlag("queries", 50);
const BATCH = 1_000;

// A vocabulary with a long tail: word i is drawn with weight ~1/(i+1), so a few words are in most
// entries and most words in few, as in real chat.
const WORDS = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}${"aeiou"[i % 5]}`);
const CJK = "你好世界今天天气很好我们一起去吃饭吧明天见谢谢大家辛苦了会议改到下午三点".split("");
// mulberry32: the same text on every run
let seed = 42;
function random(): number {
  let t = (seed = (seed + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const zipf = () => WORDS[Math.min(WORDS.length - 1, Math.floor(Math.exp(random() * Math.log(WORDS.length + 1)) - 1))]!;

function text(n: number): string {
  if (n % 10 === 0) return Array.from({ length: 6 + Math.floor(random() * 20) }, () => CJK[Math.floor(random() * CJK.length)]).join("");
  return Array.from({ length: 4 + Math.floor(random() * 16) }, zipf).join(" ");
}

async function setUp(dir: string) {
  const opened = await openLibsql({ dataDir: dir, synchronous: "NORMAL" });
  const { store } = opened;
  for (const id of ["viewer", "other"]) await store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
  const convs: string[] = [];
  for (let i = 0; i < convCount; i++) {
    const id = newId();
    const members = [{ userId: "other", role: "owner" as const }, ...(i < memberOf ? [{ userId: "viewer", role: "member" as const }] : [])];
    await store.conversations.createGroup({ id, title: `group ${i}`, createdAt: 0 }, members);
    convs.push(id);
  }
  return { ...opened, convs };
}

async function fill(store: Awaited<ReturnType<typeof setUp>>["store"], convs: string[]): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < total; ) {
    const batch: NewEntry[] = [];
    for (let i = 0; i < BATCH && n < total; i++, n++) {
      batch.push({ id: newId(), conv: convs[n % convs.length]!, sender: "other", clientId: `c${n}`, ts: 1_700_000_000_000 + n, body: { type: "text", text: text(n) } });
    }
    await store.messageLog.appendEntries(batch);
  }
  return (performance.now() - started) / 1000;
}

async function time(run: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < queries; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  return ms;
}

const data = tempDir("parley-bench-search-");
try {
  const { store, client, convs } = await setUp(data.dir);
  const fillSec = await fill(store, convs);
  const indexStarted = performance.now();
  const indexer = new SearchIndexer(store.search, (error) => console.error(error));
  await indexer.start();
  emit({ bench: "search", phase: "setup", entries: total, convs: convCount, memberOf, fillSec: round(fillSec), indexSec: round((performance.now() - indexStarted) / 1000) });

  const search = new Search(store.search);
  // The baseline: the same visibility rule as src/store/sql/search.ts, a substring scan instead of the index.
  const like = (needle: string) =>
    client.execute({
      sql: `SELECT e.conv_id, e.seq, e.body FROM messages e
        JOIN members m ON m.conv_id = e.conv_id AND m.user_id = 'viewer'
        JOIN conversations c ON c.id = e.conv_id
        WHERE e.body LIKE ? AND e.recalled = 0
          AND e.seq >= (CASE WHEN c.history = 'all' THEN 1 ELSE m.joined_seq END)
          AND (m.removed_seq IS NULL OR e.seq <= m.removed_seq)
        ORDER BY e.ts DESC LIMIT 20`,
      args: [`%${needle}%`],
    });
  const cases = [
    { kind: "common word", q: WORDS[1]!, needle: WORDS[1]! },
    { kind: "rare word", q: WORDS[5_000]!, needle: WORDS[5_000]! },
    { kind: "two words", q: `${WORDS[3]} ${WORDS[40]}`, needle: WORDS[40]! },
    { kind: "prefix", q: `${WORDS[2_000]!.slice(0, 4)}*`, needle: WORDS[2_000]!.slice(0, 4) },
    { kind: "CJK inside a run", q: "天气", needle: "天气" },
  ];
  for (const c of cases) {
    const hits = (await search.search("viewer", { q: c.q, limit: 20 })).items.length;
    const indexed = summarize(await time(() => search.search("viewer", { q: c.q, limit: 20 })));
    const scan = summarize(await time(() => like(c.needle)));
    emit({
      bench: "search",
      query: c.kind,
      q: c.q,
      hits,
      searchP50Ms: round(indexed.p50),
      searchP99Ms: round(indexed.p99),
      likeP50Ms: round(scan.p50),
      likeP99Ms: round(scan.p99),
      p50Ratio: round(indexed.p50 / scan.p50, 3),
    });
  }
  client.close();
} finally {
  data.remove();
}
