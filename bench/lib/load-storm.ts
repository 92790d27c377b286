// The reconnect-storm load generator, run as its own process by bench/lib/storm.ts:
//   bun bench/lib/load-storm.ts <config.json>
// One SDK client (ParleyClient) per member of the groups given, all through the proxy. Every
// client sends one message every `sendEveryMs` until `loadUntil` (epoch ms); the driver cuts
// every connection at `cutAt`. Then it waits until every send is acked and every client holds
// every message of its group, and prints one JSON line: when each client reconnected and caught
// up (held as many messages as its group had sent before the cut), deliveries during the
// catch-up, and every client's stream checked: seqs 1..n, each once, in order. Then it writes
// `donePath` and keeps its clients connected until `releasePath` exists (the driver counts the
// server's sockets meanwhile).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { ParleyClient, type Message } from "../../src/client/index.ts";

interface Cfg {
  url: string;
  groups: { conv: string; members: { id: string; token: string }[] }[];
  sendEveryMs: number;
  cutAt: number;
  loadUntil: number;
  /** give up waiting for the catch-up at this epoch ms */
  deadline: number;
  reconnect: { minDelayMs: number; maxDelayMs: number };
  donePath: string;
  releasePath: string;
}
const cfg: Cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8"));

interface Member {
  client: ParleyClient;
  conv: string;
  seqs: number[];
  reconnectedAt?: number;
  caughtUpAt?: number;
}

const sentBeforeCut = new Map<string, number>();
const sentTotal = new Map<string, number>();
const sends: Promise<unknown>[] = [];
let deliveriesAfterCut = 0;
const errors: string[] = [];

const members: Member[] = cfg.groups.flatMap((g) =>
  g.members.map((m, i) => {
    const client = new ParleyClient({ baseUrl: cfg.url, tokens: { accessToken: m.token }, device: `storm-${g.conv}-${i}`, reconnect: cfg.reconnect });
    const member: Member = { client, conv: g.conv, seqs: [] };
    client.track(g.conv, 0);
    client.on("msg", (msg: Message) => {
      member.seqs.push(msg.seq);
      const now = Date.now();
      if (now < cfg.cutAt) return;
      deliveriesAfterCut++;
      if (member.caughtUpAt === undefined && msg.seq >= (sentBeforeCut.get(g.conv) ?? 0)) member.caughtUpAt = now;
    });
    client.on("connected", (c) => {
      if (c.reconnected && member.reconnectedAt === undefined) member.reconnectedAt = Date.now();
    });
    client.on("error", (e) => errors.length < 10 && errors.push(`${e.code}: ${e.message}`));
    return member;
  }),
);
await Promise.all(members.map((m) => m.client.connect()));
console.error(`load-storm: ${members.length} clients connected`);

// Steady load, each client at its own phase.
const timers = members.map((m, i) =>
  setTimeout(function tick() {
    const now = Date.now();
    if (now >= cfg.loadUntil) return;
    const bump = (counts: Map<string, number>) => counts.set(m.conv, (counts.get(m.conv) ?? 0) + 1);
    if (now < cfg.cutAt) bump(sentBeforeCut);
    bump(sentTotal);
    sends.push(m.client.send(m.conv, { type: "text", text: `storm ${i} ${now}` }).catch((e) => errors.push(String(e))));
    timers[i] = setTimeout(tick, cfg.sendEveryMs);
  }, (i * cfg.sendEveryMs) / members.length),
);

await Bun.sleep(Math.max(0, cfg.loadUntil - Date.now()));
await Promise.race([Promise.all(sends), Bun.sleep(Math.max(0, cfg.deadline - Date.now()))]);
const complete = () => members.every((m) => m.client.cursor(m.conv) === sentTotal.get(m.conv));
while (!complete() && Date.now() < cfg.deadline) await Bun.sleep(50);
const finishedAt = Date.now();

const inOrder = (m: Member) => m.seqs.length === (sentTotal.get(m.conv) ?? 0) && m.seqs.every((seq, i) => seq === i + 1);
const latest = (values: (number | undefined)[]) => (values.some((v) => v === undefined) ? null : Math.max(...(values as number[])));
const reconnected = latest(members.map((m) => m.reconnectedAt));
const caughtUp = latest(members.map((m) => m.caughtUpAt));
console.log(
  JSON.stringify({
    clients: members.length,
    sent: [...sentTotal.values()].reduce((a, b) => a + b, 0),
    sentBeforeCut: [...sentBeforeCut.values()].reduce((a, b) => a + b, 0),
    complete: complete(),
    outOfOrderOrRepeated: members.filter((m) => !inOrder(m)).length,
    notReconnected: members.filter((m) => m.reconnectedAt === undefined).length,
    reconnectedMs: reconnected === null ? null : reconnected - cfg.cutAt,
    recoveredMs: caughtUp === null || reconnected === null ? null : Math.max(caughtUp, reconnected) - cfg.cutAt,
    deliveriesAfterCut,
    finishedMs: finishedAt - cfg.cutAt,
    errors,
  }),
);
writeFileSync(cfg.donePath, "done");
while (!existsSync(cfg.releasePath) && Date.now() < cfg.deadline + 60_000) await Bun.sleep(50);
for (const m of members) m.client.close();
process.exit(0);
