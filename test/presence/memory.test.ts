import { describe } from "bun:test";
import { MemoryPresence } from "../../src/presence/memory.ts";
import { presenceSuite } from "./presence-suite.ts";

describe("presence [memory]", () => {
  presenceSuite({
    nodes(ttlMs) {
      // one process: both "nodes" are the same instance
      const presence = new MemoryPresence({ ttlMs });
      return [presence, presence];
    },
  });
});
