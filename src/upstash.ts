// The Upstash REST client as the presence and bus adapters need it, and the one rule on how they
// are configured: both UPSTASH_REDIS_REST_* or neither.
import { Redis } from "@upstash/redis";

export interface UpstashConfig {
  url: string;
  token: string;
}

/** Plain config values, as both runtimes have them (Bun's env, the Worker's bindings). */
export interface UpstashSettings {
  upstashUrl?: string;
  upstashToken?: string;
  /** Redis key and channel prefix (default "parley:") */
  prefix?: string;
}

export function upstashClient({ url, token }: UpstashConfig): Redis {
  return new Redis({
    url,
    token,
    // Raw replies: automatic deserialization turns ids such as "123" into numbers, and bus
    // payloads that look like JSON into objects.
    automaticDeserialization: false,
    // One request per call: atomicity comes from each Lua script, never from batching by tick.
    enableAutoPipelining: false,
  });
}

/** The Upstash connection when it is configured, else null. */
export function upstashOf({ upstashUrl: url, upstashToken: token }: UpstashSettings): UpstashConfig | null {
  if (!url && !token) return null;
  // half a configuration is a mistake, not a reason to run each node on its own memory
  if (!url || !token) throw new Error("Upstash needs both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN");
  return { url, token };
}
