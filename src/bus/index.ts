// Picks the event bus between server nodes from plain config values: Upstash when it is
// configured, else this process's memory.
import type { EventBus } from "../core/bus.ts";
import { upstashOf, type UpstashSettings } from "../upstash.ts";
import { MemoryBus } from "./memory.ts";
import { UpstashBus } from "./upstash.ts";

/** Without Upstash the bus reaches this process only: enough for one node, not for several. */
export function createBus(config: UpstashSettings): EventBus {
  const upstash = upstashOf(config);
  return upstash ? new UpstashBus({ ...upstash, prefix: config.prefix }) : new MemoryBus();
}

export { MemoryBus, UpstashBus };
