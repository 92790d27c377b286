// What the presence and bus suites share: the Upstash settings (tests against Redis run only when
// they are set), unique key prefixes, key cleanup and polling.
import { upstashClient } from "../../src/upstash.ts";

const url = process.env.UPSTASH_REDIS_REST_URL;
const token = process.env.UPSTASH_REDIS_REST_TOKEN;
export const upstash = url ? { url, token: token ?? "" } : null;

export function uniquePrefix(kind: string): string {
  return `test:${kind}:${crypto.randomUUID()}:`;
}

export const uid = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/** Deletes every key under `prefix`. */
export async function dropKeys(prefix: string): Promise<void> {
  if (!upstash) return;
  const redis = upstashClient(upstash);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, { match: `${prefix}*`, count: 500 });
    if (keys.length > 0) await redis.del(...keys);
    cursor = String(next);
  } while (cursor !== "0");
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(10);
  }
}
