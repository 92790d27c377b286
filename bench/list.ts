// The conversation list at scale: `npm run bench:list` (flags --sizes=200,2000 --entries=N
// --requests=Q, or env SIZES, ENTRIES, REQUESTS).
// For each size S, a user is a member of S group conversations. GET /v1/conversations (and GET
// /v1/unread) are timed over HTTP against a real server, first with every log empty (the
// baseline, measured in the same run), then after N entries per conversation (default 2,000),
// most of them unread: a third of them from the user's last read on, one in twenty mentioning it.
// The logs are written through Parley's store (appendEntries, big batches: the counters move as
// they would under real sends), not through HTTP. The ratio full/empty is what the counters buy:
// without them, the list would count every conversation's unread entries on each request.
import { openLibsql } from "../src/adapter/bun/store.ts";
import { newId } from "../src/core/random.ts";
import type { NewEntry } from "../src/core/store/message-log.ts";
import { spawnParley, tempDir } from "./lib/server.ts";
import { emit, flag, numFlag, round, summarize } from "./lib/stats.ts";
import { getJson, postJson, registerUsers } from "./lib/users.ts";

const sizes = flag("sizes", "200,2000").split(",").map(Number);
const perConv = numFlag("entries", 2_000);
const requests = numFlag("requests", 30);
/** entries per appendEntries call: one transaction each */
const BATCH = 20_000;

async function time(run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await run(); // warm-up (JIT, page cache)
  const ms: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  return ms;
}

for (const size of sizes) {
  const data = tempDir("parley-bench-list-");
  const server = await spawnParley({ dataDir: data.dir, env: { SEARCH_INDEX: "off" } });
  const { store, client } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  // the fill needs no durability (the file is thrown away): no fsync per batch
  await client.execute("PRAGMA synchronous = OFF");
  try {
    const [viewer, other] = await registerUsers(server.url, 2, 2, "list");
    const convs: string[] = [];
    for (let i = 0; i < size; i++) {
      const id = newId();
      await store.conversations.createGroup({ id, title: `group ${i}`, createdAt: 1_700_000_000_000 + i }, [
        { userId: other!.id, role: "owner" },
        { userId: viewer!.id, role: "member" },
      ]);
      convs.push(id);
    }
    let token = viewer!.accessToken;
    const list = () => getJson(server.url, "/v1/conversations", token);
    const unread = () => getJson(server.url, "/v1/unread", token);
    const empty = summarize(await time(list));
    const emptyUnread = summarize(await time(unread));

    // Fill: entry n of a conversation is the viewer's own every tenth time, mentions it every twentieth.
    const started = performance.now();
    const total = size * perConv;
    let ts = 1_700_000_000_000;
    for (let n = 0; n < total; ) {
      const batch: NewEntry[] = [];
      for (let i = 0; i < BATCH && n < total; i++, n++) {
        const k = Math.floor(n / size);
        const sender = k % 10 === 9 ? viewer!.id : other!.id;
        const text = `entry ${k} of a conversation, a line of ordinary chat text`;
        const body = k % 20 === 3 ? { type: "text" as const, text, mentions: [viewer!.id] } : { type: "text" as const, text };
        batch.push({ id: newId(), conv: convs[n % size]!, sender, clientId: `c${n}`, ts: ts++, body });
      }
      await store.messageLog.appendEntries(batch);
    }
    // The viewer read two thirds of each log: the rest is unread.
    for (const conv of convs) await store.receipts.markRead(conv, viewer!.id, Math.floor((perConv * 2) / 3));
    const fillSec = (performance.now() - started) / 1000;
    // a long fill outlives the access token (15 minutes)
    token = (await postJson(`${server.url}/v1/auth/refresh`, { refreshToken: viewer!.refreshToken })).body.accessToken;

    const items = (await list()).items as { unread: number; mentions: number }[];
    const full = summarize(await time(list));
    const fullUnread = summarize(await time(unread));
    emit({
      bench: "list",
      conversations: size,
      entriesPerConv: perConv,
      entries: total,
      fillSec: round(fillSec),
      unreadPerConv: items[0]?.unread,
      mentionsPerConv: items[0]?.mentions,
      totals: await unread(),
      emptyP50Ms: round(empty.p50),
      fullP50Ms: round(full.p50),
      fullP99Ms: round(full.p99),
      p50Ratio: round(full.p50 / empty.p50, 3),
      unreadEmptyP50Ms: round(emptyUnread.p50),
      unreadFullP50Ms: round(fullUnread.p50),
      unreadP50Ratio: round(fullUnread.p50 / emptyUnread.p50, 3),
    });
  } finally {
    client.close();
    await server.stop();
    data.remove();
  }
}
