// The event bus in memory, and across two Upstash clients on real Redis (skipped without it).
import { describe } from "bun:test";
import { MemoryBus } from "../../src/bus/memory.ts";
import { upstashClient } from "../../src/upstash.ts";
import { UpstashBus } from "../../src/bus/upstash.ts";
import { busSuite } from "./bus-suite.ts";
import { uniquePrefix, upstash } from "../support/upstash.ts";

describe("bus [memory]", () => {
  let bus = new MemoryBus();
  busSuite({
    nodes() {
      // one process: both "nodes" are the same bus
      bus = new MemoryBus();
      return [bus, bus];
    },
    isolated: () => new MemoryBus(),
    subscribers: async (channel) => bus.subscribers(channel),
  });
});

describe.skipIf(!upstash)("bus [upstash]", () => {
  const prefix = uniquePrefix("bus");
  busSuite({
    // separate clients, as separate processes would have
    nodes: () => [new UpstashBus({ ...upstash!, prefix }), new UpstashBus({ ...upstash!, prefix })],
    isolated: () => new UpstashBus({ ...upstash!, prefix: uniquePrefix("bus") }),
    async subscribers(channel) {
      // what Redis itself counts: the subscription's stream is closed, not just muted
      const reply = (await upstashClient(upstash!).exec(["PUBSUB", "NUMSUB", `${prefix}${channel}`])) as [string, number];
      return Number(reply[1]);
    },
  });
});
