// Picks the presence and bus backends from plain config values, so that both runtimes (Bun's env,
// the Worker's bindings) can call it: Upstash when it is configured, else in-process memory.
import type { EventBus } from "../core/bus.ts";
import type { Presence } from "../core/presence.ts";
import { MemoryBus } from "./memory-bus.ts";
import { MemoryPresence } from "./memory.ts";
import type { UpstashConfig } from "./redis.ts";
import { UpstashBus } from "./upstash-bus.ts";
import { UpstashPresence } from "./upstash.ts";

export interface PresenceConfig {
  upstashUrl?: string;
  upstashToken?: string;
  /** Redis key and channel prefix (default "parley:") */
  prefix?: string;
  ttlMs?: number;
}

export function createPresence(config: PresenceConfig): Presence {
  return createSharedPresence(config) ?? new MemoryPresence({ ttlMs: config.ttlMs });
}

/** Upstash when it is configured, else null: the Worker then derives presence from its user objects. */
export function createSharedPresence(config: PresenceConfig): Presence | null {
  const upstash = upstashOf(config);
  return upstash ? new UpstashPresence({ ...upstash, prefix: config.prefix, ttlMs: config.ttlMs }) : null;
}

/** Without Upstash the bus reaches this process only: enough for one node, not for several. */
export function createBus(config: PresenceConfig): EventBus {
  const upstash = upstashOf(config);
  return upstash ? new UpstashBus({ ...upstash, prefix: config.prefix }) : new MemoryBus();
}

function upstashOf({ upstashUrl: url, upstashToken: token }: PresenceConfig): UpstashConfig | null {
  if (!url && !token) return null;
  // half a configuration is a mistake, not a reason to run each node on its own memory
  if (!url || !token) throw new Error("Upstash needs both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN");
  return { url, token };
}

export { MemoryBus, MemoryPresence, UpstashBus, UpstashPresence };
