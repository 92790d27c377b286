// What the search indexer's steps cost per entry, in one process: `npx bun bench/search-step.ts`
// (flags --entries=N per round, --rounds=R, --cjk=F the share of Chinese texts, --against=<checkout>).
// 50 conversations of two members, as in `bench:1to1`, with texts like its ("t:<time> hello from
// <i>"). Each round appends N entries through the store (batches of 250, spread over the
// conversations, as sends commit), then indexes them the way the indexer does (steps of 500
// entries over every conversation touched) and measures the process's CPU time for that: µs per
// entry. With --against=<another checkout of Parley> that checkout's store runs in the same process
// on a database of its own, rounds alternating, and both medians and their ratio are printed.
import { openLibsql } from "../src/adapter/bun/store.ts";
import { tempDir } from "./lib/server.ts";
import { emit, flag, median, numFlag, round } from "./lib/stats.ts";

const perRound = numFlag("entries", 10_000);
const rounds = numFlag("rounds", 8);
const cjkShare = numFlag("cjk", 0);
const against = flag("against", "");
const CONVS = 50;
const APPEND_BATCH = 250;
const STEP = 500;

type Opened = Awaited<ReturnType<typeof openLibsql>>;
interface Build {
  name: string;
  opened: Opened;
  dir: ReturnType<typeof tempDir>;
  convs: string[];
  appended: number;
}

async function open(name: string, root: string): Promise<Build> {
  const { openLibsql: openBuild } = (await import(`${root}/src/adapter/bun/store.ts`)) as typeof import("../src/adapter/bun/store.ts");
  const dir = tempDir(`parley-bench-search-step-${name}-`);
  const opened = await openBuild({ dataDir: dir.dir, synchronous: "NORMAL" });
  const { store } = opened;
  const convs: string[] = [];
  for (let i = 0; i < CONVS; i++) {
    const [a, b] = [`a${i}`, `b${i}`];
    for (const id of [a, b]) await store.users.createUser({ id, username: id, displayName: id, passwordHash: "x", createdAt: 0 });
    await store.conversations.createGroup({ id: `c${i}`, title: `pair ${i}`, createdAt: 0 }, [
      { userId: a, role: "owner" },
      { userId: b, role: "member" },
    ]);
    convs.push(`c${i}`);
  }
  return { name, opened, dir, convs, appended: 0 };
}

const CJK = "你好世界今天天气很好我们一起去吃饭吧明天见谢谢大家辛苦了会议改到下午三点".split("");
const textOf = (n: number) =>
  cjkShare > 0 && n % Math.round(1 / cjkShare) === 0
    ? `t:${1_700_000_000_000 + n} ${Array.from({ length: 12 }, (_, k) => CJK[(n + k * 7) % CJK.length]).join("")}`
    : `t:${1_700_000_000_000 + n} hello from ${n % 100}`;

async function append(build: Build): Promise<void> {
  const { store } = build.opened;
  for (let done = 0; done < perRound; done += APPEND_BATCH) {
    const batch = Array.from({ length: Math.min(APPEND_BATCH, perRound - done) }, () => {
      const n = build.appended++;
      const i = n % CONVS;
      return { id: `e${n}`, conv: build.convs[i]!, sender: n % 2 ? `a${i}` : `b${i}`, clientId: `k${n}`, ts: 1_700_000_000_000 + n, body: { type: "text", text: textOf(n) } };
    });
    await store.messageLog.appendEntries(batch as never);
  }
}

/** CPU µs per entry of indexing what the last append added. */
async function index(build: Build): Promise<number> {
  const cpu = process.cpuUsage();
  let convs = build.convs;
  while (convs.length > 0) convs = (await build.opened.store.search.catchUp(convs, STEP)).more;
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / perRound;
}

const builds = [await open("this", `${import.meta.dir}/..`), ...(against ? [await open("against", against)] : [])];
const figures = new Map<string, number[]>(builds.map((b) => [b.name, []]));
try {
  // a first round fills the caches and the statement cache; not counted
  for (let r = 0; r <= rounds; r++) {
    const order = r % 2 ? [...builds].reverse() : builds;
    for (const build of order) {
      await append(build);
      const us = await index(build);
      if (r > 0) figures.get(build.name)!.push(us);
    }
  }
  const mine = median(figures.get("this")!);
  const record: Record<string, unknown> = { bench: "search-step", entriesPerRound: perRound, rounds, cjk: cjkShare, cpuUsPerEntry: mine, all: figures.get("this")!.map((x) => round(x, 1)) };
  if (against) {
    const theirs = median(figures.get("against")!);
    Object.assign(record, { against, againstCpuUsPerEntry: theirs, againstAll: figures.get("against")!.map((x) => round(x, 1)), ratio: mine / theirs });
  }
  emit(record);
} finally {
  for (const b of builds) (b.opened.close(), b.dir.remove());
}
