// Picks the presence backend from plain config values, so that both runtimes (Bun's env, the
// Worker's bindings) can call it: Upstash when it is configured, else in-process memory.
import type { Presence } from "../core/presence.ts";
import { upstashOf, type UpstashSettings } from "../upstash.ts";
import { MemoryPresence } from "./memory.ts";
import { UpstashPresence } from "./upstash.ts";

export interface PresenceConfig extends UpstashSettings {
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

export { MemoryPresence, UpstashPresence };
