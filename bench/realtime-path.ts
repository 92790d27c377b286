// The WebSocket path's JavaScript per message, in one process, without sockets or SQLite:
// `npx bun bench/realtime-path.ts` (flags --messages=N --rounds=R --against=<checkout>).
// The realtime Hub with 50 pairs of sessions (one sender, one reader each), 16 sends in flight per
// sender, and a backend that stands in for the store: it numbers each send, and once per turn of
// the event loop "commits" what came in: publishes each message to the hub, then answers the
// sends (as LogWriter does after a commit). Measured: CPU µs per message of frame parsing and
// validation, pending acks, fan-out, ordered delivery and frame encoding. The end-to-end benches
// cannot tell such parts apart (SQLite and the machine's load move their figures more than that).
// --against=<another checkout of Parley> runs its realtime code in the same process, rounds
// alternating, and prints both medians and their ratio: an A/B of two builds under the same load.
import { emit, flag, median, numFlag, round } from "./lib/stats.ts";

const messages = numFlag("messages", 100_000);
const rounds = numFlag("rounds", 8);
const against = flag("against", "");
const PAIRS = 50;
const WINDOW = 16;

type HubClass = typeof import("../src/realtime/hub.ts").Hub;
type Limits = typeof import("../src/realtime/limits.ts").defaultLimits;
interface Build {
  name: string;
  Hub: HubClass;
  limits: Limits;
}

async function load(name: string, root: string): Promise<Build> {
  const { Hub } = (await import(`${root}/src/realtime/hub.ts`)) as typeof import("../src/realtime/hub.ts");
  const { defaultLimits } = (await import(`${root}/src/realtime/limits.ts`)) as typeof import("../src/realtime/limits.ts");
  return { name, Hub, limits: defaultLimits };
}

/** CPU µs per message of one run of `messages` sends through a fresh hub. */
async function run({ Hub, limits }: Build): Promise<number> {
  type Send = { userId: string; conv: string; clientId: string; body: unknown; source: string; answer: (stored: unknown) => void };
  let waiting: Send[] = [];
  const lastSeq = new Map<string, number>();
  const members = new Map<string, string[]>();
  let ids = 0;
  const commit = () => {
    const batch = waiting;
    waiting = [];
    const stored = batch.map((s) => {
      const seq = (lastSeq.get(s.conv) ?? 0) + 1;
      lastSeq.set(s.conv, seq);
      const id = `0190a0b0-c0d0-7e0f-8a0b-${String(++ids).padStart(12, "0")}`;
      return { message: { id, conv: s.conv, seq, sender: s.userId, ts: Date.now(), clientId: s.clientId, body: s.body }, created: true };
    });
    stored.forEach(({ message }, i) => hub.publish({ type: "message", message: message as never, members: members.get(message.conv)!, sourceConnection: batch[i]!.source }));
    batch.forEach((s, i) => s.answer(stored[i]));
  };
  const backend = {
    authenticate: async (token: string) => ({ userId: token, loginId: `login-${token}` }),
    send: (userId: string, conv: string, input: { clientId: string; body: unknown }, source: string) =>
      new Promise<never>((answer) => {
        if (waiting.length === 0) setImmediate(commit);
        waiting.push({ userId, conv, ...input, source, answer: answer as (stored: unknown) => void });
      }),
    history: async () => ({ items: [], hasMore: false }),
    readable: async () => [],
    markDelivered: async () => 0,
    markRead: async () => ({ readSeq: 0, unread: 0 }),
    typing: async () => {},
  };
  const hub = new Hub({ backend, limits: { ...limits, framesPerSec: 1e9, frameBurst: 1e9 }, maxDevicesPerUser: 5 });

  let sent = 0;
  let acked = 0;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const senders = Array.from({ length: PAIRS }, (_, i) => {
    const conv = `0190a0b0-c0d0-7e0f-8a0b-${String(i).padStart(12, "0")}`;
    members.set(conv, [`sender-${i}`, `reader-${i}`]);
    const send = () => {
      if (sent >= messages) return;
      sent++;
      void sender.text(`{"t":"send","rid":"${i}.${sent}","conv":"${conv}","clientId":"c-${sent}","body":{"type":"text","text":"message number ${sent}, a line of text as people send"}}`);
    };
    const sender = hub.attach({
      id: `sender-${i}`,
      send: (text: string) => {
        if (text.startsWith('{"t":"ack"') && ++acked === messages) finished();
        else if (text.startsWith('{"t":"ack"')) send();
        return true;
      },
      close: () => {},
    });
    const reader = hub.attach({ id: `reader-${i}`, send: () => true, close: () => {} });
    return { sender, reader, send, i };
  });
  await Promise.all(senders.flatMap(({ sender, reader, i }) => [sender.text(`{"t":"hello","token":"sender-${i}"}`), reader.text(`{"t":"hello","token":"reader-${i}"}`)]));
  const cpu0 = process.cpuUsage();
  for (const { send } of senders) for (let w = 0; w < WINDOW; w++) send();
  await done;
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / messages;
}

const builds = [await load("this", new URL("..", import.meta.url).pathname), ...(against ? [await load("against", against)] : [])];
const perBuild = builds.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...builds.keys()].reverse() : [...builds.keys()];
  for (const b of order) perBuild[b]!.push(await run(builds[b]!));
}
for (const [b, build] of builds.entries()) {
  emit({ bench: "realtime-path", build: build.name, messages, rounds, cpuUsPerMessage: median(perBuild[b]!), runs: perBuild[b]!.map((x) => round(x)) });
}
if (against) emit({ bench: "realtime-path", ratio: "this/against", cpuRatio: median(perBuild[0]!) / median(perBuild[1]!) });
