// The search indexer's share of the thread (src/core/search-indexer.ts): while sends keep the
// thread busy it holds the thread about its minimum share, search falling behind; while sends go
// on but leave the thread idle it uses that time and catches up; once the sends stop it catches
// up at full speed. The real libSQL store; only the time of its steps is summed.
import { afterAll, expect, test } from "bun:test";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import { nextTurn } from "../../src/core/next-turn.ts";
import { SearchIndexer } from "../../src/core/search-indexer.ts";
import { matchExpression, parseQuery } from "../../src/core/search-text.ts";
import type { NewEntry } from "../../src/core/store/message-log.ts";
import type { SearchStore } from "../../src/core/store/search.ts";
import { tempDataDir } from "../support/target.ts";

const data = tempDataDir();
afterAll(() => data.remove());

const CONVS = 20;
const BACKLOG = 40_000;

test("the indexer takes its minimum share of a busy thread, the idle time of a lightly loaded one, and all of an idle one", async () => {
  const { store, close } = await openLibsql({ dataDir: data.dir, synchronous: "NORMAL" });
  try {
    await store.users.createUser({ id: "u", username: "u", displayName: "u", passwordHash: "x", createdAt: 0 });
    const convs = Array.from({ length: CONVS }, (_, i) => `g${i}`);
    for (const id of convs) await store.conversations.createGroup({ id, title: id, createdAt: 0 }, [{ userId: "u", role: "owner" }]);
    let n = 0;
    const entries = (count: number): NewEntry[] =>
      Array.from({ length: count }, () => {
        n++;
        return { id: `m${n}`, conv: convs[n % CONVS]!, sender: "u", clientId: `c${n}`, ts: n, body: { type: "text", text: `entry ${n} hello` } };
      });
    // committed while the indexer did not run (SEARCH_INDEX=off, say)
    for (let i = 0; i < BACKLOG; i += 2000) await store.messageLog.appendEntries(entries(2000));

    let busyMs = 0;
    /** every step of the indexer: when it started and ended */
    const steps: { started: number; ended: number }[] = [];
    const timed: SearchStore = {
      behind: (limit) => store.search.behind(limit),
      search: (...args) => store.search.search(...args),
      async catchUp(list, limit) {
        const started = performance.now();
        try {
          return await store.search.catchUp(list, limit);
        } finally {
          busyMs += performance.now() - started;
          steps.push({ started, ended: performance.now() });
        }
      },
    };
    const minShare = 0.1;
    const indexer = new SearchIndexer(timed, (error) => {
      throw error;
    }, minShare);
    const send = async (count: number) => {
      const batch = entries(count);
      await store.messageLog.appendEntries(batch);
      for (const e of batch) indexer.touched(e.conv);
    };
    for (const conv of convs) indexer.touched(conv);

    // saturation: sends keep the thread busy, turn after turn, for 1.5 s and 4 steps of the indexer
    const saturated = performance.now();
    const stepsSince = (at: number) => steps.filter((step) => step.started >= at);
    while (performance.now() - saturated < 1500 || (stepsSince(saturated).length < 4 && performance.now() - saturated < 30_000)) {
      await send(10);
      await nextTurn();
    }
    // Each step with the wait after it, up to the last step's start: a window's end cuts a step
    // from its wait, and on a loaded machine one step can take a tenth of 1.5 s (measured at load
    // ~5: steps of 35-67 ms, and 0.30 of a 1.5 s window once a slow step ended it).
    const saturation = stepsSince(saturated);
    expect(saturation.length).toBeGreaterThanOrEqual(4);
    const paced = saturation.slice(0, -1).reduce((ms, step) => ms + step.ended - step.started, 0) / (saturation.at(-1)!.started - saturation[0]!.started);
    expect(paced).toBeLessThan(2 * minShare);
    expect(await store.search.behind(CONVS)).not.toEqual([]);

    // a light load: a few sends every 10 ms leave the thread mostly idle, and the index catches up
    // meanwhile, taking well over its minimum share (how long it takes depends on the machine)
    busyMs = 0;
    const light = performance.now();
    while ((await store.search.behind(1)).length > 0 && performance.now() - light < 60_000) {
      await send(2);
      await Bun.sleep(10);
    }
    const lightMs = performance.now() - light;
    const lightShare = busyMs / lightMs;
    console.log(`indexer share: ${paced.toFixed(3)} at saturation, ${lightShare.toFixed(3)} under a light load (caught up in ${lightMs.toFixed(0)} ms)`);
    expect(await store.search.behind(CONVS)).toEqual([]);
    expect(lightShare).toBeGreaterThan(2 * minShare);

    // a backlog again (committed without the indexer), then no sends: steps follow each other at once
    for (let i = 0; i < BACKLOG / 2; i += 2000) await store.messageLog.appendEntries(entries(2000));
    await indexer.idle();
    for (const conv of convs) indexer.touched(conv);
    busyMs = 0;
    const stopped = performance.now();
    await indexer.idle();
    expect(busyMs / (performance.now() - stopped)).toBeGreaterThan(0.4);
    expect(await store.search.behind(CONVS)).toEqual([]);

    const hits = await store.search.search("u", matchExpression(parseQuery(`entry ${n} hello`)), {}, null, 10);
    expect(hits.map((h) => h.message?.id)).toEqual([`m${n}`]);
    const all = await store.search.search("u", matchExpression(parseQuery("hello")), { conv: "g1" }, null, 100_000);
    expect(all.length).toBe(Math.floor((n - 1) / CONVS) + 1);
  } finally {
    close();
  }
}, 120_000);
