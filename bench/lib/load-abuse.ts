// The attack patterns of bench:abuse, each run as its own process by bench/abuse.ts:
//   bun bench/lib/load-abuse.ts <config.json>
// config: {url, pattern, durationMs, ...the users and conversations the pattern needs}
// Each pattern keeps attacking for durationMs and prints one JSON line of what it did.
import { readFileSync } from "node:fs";
import { RawWsClient } from "./raw-ws.ts";
import { openWs, wsUrl } from "./ws.ts";

export type Pattern = "none" | "sync-amplification" | "never-reading" | "send-flood" | "hello-cursors" | "login-burst";

export interface AbuseConfig {
  url: string;
  pattern: Pattern;
  durationMs: number;
  /** the attacker's token and a conversation of 400 messages of 16,000 emoji */
  attacker: { token: string; bigConv: string };
  /** producers and their conversations, each with a reader that never reads */
  pairs: { producerToken: string; readerToken: string; conv: string }[];
  /** a user whose password the login burst guesses */
  victim: string;
}

const cfg: AbuseConfig = JSON.parse(readFileSync(process.argv[2]!, "utf8"));
const deadline = Date.now() + cfg.durationMs;
const going = () => Date.now() < deadline;
const counts: Record<string, number> = {};
const count = (what: string, n = 1) => (counts[what] = (counts[what] ?? 0) + n);

async function rawHello(token: string): Promise<RawWsClient> {
  const raw = await RawWsClient.connect(cfg.url);
  raw.sendText(JSON.stringify({ t: "hello", token }));
  await raw.until(() => raw.texts().some((f) => f.t === "welcome"), 10_000);
  return raw;
}

/** 1,000 sync frames of whole pages in one write, never reading; again on a new socket every 2 s. */
async function syncAmplification() {
  const frames = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ t: "sync", rid: i, conv: cfg.attacker.bigConv, after: 0, limit: 200 }));
  while (going()) {
    const raw = await rawHello(cfg.attacker.token);
    raw.pause();
    raw.sendTexts(frames);
    count("syncFrames", frames.length);
    await Bun.sleep(2000);
    raw.destroy();
  }
}

/** Readers that never read; producers sending 1,000 messages/s of 16 KB each to them. */
async function neverReading(withReaders: boolean) {
  const readers = withReaders ? await Promise.all(cfg.pairs.map((p) => rawHello(p.readerToken))) : [];
  for (const r of readers) r.pause();
  const text = "z".repeat(16_000);
  await Promise.all(
    cfg.pairs.map(async (pair, p) => {
      const ws = await openWs(wsUrl(cfg.url), pair.producerToken);
      ws.onFrame = (f) => count(f.t === "ack" ? "acks" : `${f.t}:${f.code ?? ""}`);
      let n = 0;
      while (going() && ws.ws.readyState === WebSocket.OPEN) {
        for (let i = 0; i < 10; i++) ws.send({ t: "send", conv: pair.conv, clientId: `p${p}-${n++}`, body: { type: "text", text } });
        count("sends", 10);
        await Bun.sleep(10);
      }
      ws.ws.close();
    }),
  );
  for (const r of readers) r.destroy();
}

/** Producers pipelining 3,000 sends of 16 KB in one write, never reading, again every second. */
async function sendFlood() {
  const text = "f".repeat(16_000);
  await Promise.all(
    cfg.pairs.map(async (pair, p) => {
      for (let round = 0; going(); round++) {
        const raw = await rawHello(pair.producerToken);
        raw.pause();
        raw.sendTexts(Array.from({ length: 3000 }, (_, i) => JSON.stringify({ t: "send", conv: pair.conv, clientId: `f${p}-${round}-${i}`, body: { type: "text", text } })));
        count("sends", 3000);
        await Bun.sleep(1000);
        raw.destroy();
      }
    }),
  );
}

/** hello frames naming 3,000 conversations that do not exist, 20 sockets at a time. */
async function helloCursors() {
  const cursors = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`no-such-conversation-${i}`, 0]));
  const hello = JSON.stringify({ t: "hello", token: cfg.attacker.token, cursors });
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (going()) {
        const raw = await RawWsClient.connect(cfg.url);
        raw.sendText(hello);
        await raw.until(() => raw.texts().length > 0, 5000);
        count(raw.texts()[0]?.t ?? "nothing");
        raw.destroy();
      }
    }),
  );
}

/** Waves of 200 parallel wrong-password logins for one username, from one address. */
async function loginBurst() {
  while (going()) {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${cfg.url}/v1/auth/login`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ username: cfg.victim, password: `guess-${Date.now()}-${i}` }),
        }).then((r) => r.status),
      ),
    );
    for (const status of answers) count(`status${status}`);
    await Bun.sleep(1000);
  }
}

const patterns: Record<Pattern, () => Promise<void>> = {
  none: () => Bun.sleep(cfg.durationMs),
  "sync-amplification": syncAmplification,
  "never-reading": () => neverReading(true),
  "send-flood": sendFlood,
  "hello-cursors": helloCursors,
  "login-burst": loginBurst,
};
await patterns[cfg.pattern]();
console.log(JSON.stringify(counts));
process.exit(0);
