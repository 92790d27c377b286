// Each user's conversation list on the edge build, LOG_PLACEMENT=object, under `wrangler dev`:
// `npm run bench:edge-list` (flags --conversations=N --viewers=V --requests=R).
// V viewers are members of the same N groups, each group with one entry from its owner (so every
// line has a last entry and one unread). For each viewer, GET /v1/conversations is timed:
// - first: the viewer's object knows none of its lines yet and reads each from its conversation's
//   object (N calls, 50 at a time) — what every list cost before the lines were kept there;
// - then R times: the lines kept in the viewer's object (one call to it, no conversation asked);
// - then R times after a read of one conversation each (that one line read again).
// Only the ratios within the run mean something (one workerd process on this machine's disk).
import { startWorkers } from "../test/support/wrangler.ts";
import { BENCH_JWT_SECRET } from "./lib/server.ts";
import { emit, numFlag, round, summarize } from "./lib/stats.ts";
import { getJson, mapLimit, postJson, registerUsers } from "./lib/users.ts";

const conversations = numFlag("conversations", 200);
const viewers = numFlag("viewers", 5);
const requests = numFlag("requests", 20);

const w = await startWorkers({
  vars: { JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: "error", LOG_PLACEMENT: "object", PBKDF2_ITERATIONS: "1000", AUTH_RATE_LIMIT_PER_IP: "0" },
  timeoutMs: 60_000,
});
try {
  const [owner, ...people] = await registerUsers(w.url, viewers + 1, 8, "el");
  const convs = await mapLimit(conversations, 8, async (i) => {
    const made = await postJson(`${w.url}/v1/conversations`, { kind: "group", title: `group ${i}`, members: people.map((p) => p.id) }, owner!.accessToken);
    if (made.status !== 201) throw new Error(`group: ${made.status} ${JSON.stringify(made.body)}`);
    const sent = await postJson(`${w.url}/v1/conversations/${made.body.id}/messages`, { clientId: `c${i}`, body: { type: "text", text: `hello ${i}` } }, owner!.accessToken);
    if (sent.status !== 201) throw new Error(`send: ${sent.status} ${JSON.stringify(sent.body)}`);
    return made.body.id as string;
  });
  const timed = async (token: string) => {
    const started = performance.now();
    const list = await getJson(w.url, "/v1/conversations", token);
    const ms = performance.now() - started;
    if (list.items.length !== conversations) throw new Error(`listed ${list.items.length} of ${conversations}`);
    return ms;
  };
  const first: number[] = [];
  const kept: number[] = [];
  const oneStale: number[] = [];
  for (const [v, viewer] of people.entries()) {
    first.push(await timed(viewer.accessToken));
    for (let i = 0; i < requests; i++) kept.push(await timed(viewer.accessToken));
    for (let i = 0; i < requests; i++) {
      const read = await postJson(`${w.url}/v1/conversations/${convs[(v * requests + i) % conversations]}/read`, { seq: 1 }, viewer.accessToken);
      if (read.status !== 200) throw new Error(`read: ${read.status}`);
      oneStale.push(await timed(viewer.accessToken));
    }
  }
  const [f, k, s] = [summarize(first), summarize(kept), summarize(oneStale)];
  emit({ bench: "edge-list", conversations, viewers, requests, firstP50: f.p50, firstMax: f.max, keptP50: k.p50, keptP99: k.p99, oneStaleP50: s.p50, oneStaleP99: s.p99 });
  emit({ bench: "edge-list", ratio: "kept/first", conversations, p50Ratio: round(k.p50 / f.p50), oneStaleRatio: round(s.p50 / f.p50) });
} finally {
  await w.stop();
}
