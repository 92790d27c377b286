// Sender/receiver pairs on a target, for the 1:1 benches (bench/one-to-one.ts, bench/latency.ts):
// the raw relay (ids only, the peer named in the URL) or Parley (registered users, one direct
// conversation per pair), each in its own process.
import { benchEnv, spawnChild, spawnParley, type Child } from "./server.ts";
import { directConversation, registerUsers } from "./users.ts";

export interface Pair {
  sender: { id: string; token: string };
  receiver: { id: string; token: string };
  conv: string;
}

/** The raw relay (bench/raw-relay.ts) with `n` pairs named s<i>/r<i>. */
export async function relayPairs(n: number): Promise<{ child: Child; pairs: Pair[] }> {
  const child = await spawnChild({ args: ["bench/raw-relay.ts"], env: benchEnv() });
  const pairs = Array.from({ length: n }, (_, i) => ({ sender: { id: `s${i}`, token: "" }, receiver: { id: `r${i}`, token: "" }, conv: `p${i}` }));
  return { child, pairs };
}

/** Parley with `env` and `n` pairs, each its own direct conversation. */
export async function parleyPairs(n: number, env: Record<string, string> = {}): Promise<{ child: Child & { dataDir: string }; pairs: Pair[] }> {
  // the benches measure the send path, not the per-socket frame limit
  const child = await spawnParley({ env: { WS_FRAMES_PER_SEC: "1000000", WS_FRAME_BURST: "1000000", ...env } });
  const users = await registerUsers(child.url, n * 2);
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const s = users[2 * i]!, r = users[2 * i + 1]!;
    pairs.push({ sender: { id: s.id, token: s.accessToken }, receiver: { id: r.id, token: r.accessToken }, conv: await directConversation(child.url, s, r) });
  }
  return { child, pairs };
}
