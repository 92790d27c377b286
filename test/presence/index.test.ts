import { describe, expect, test } from "bun:test";
import { createBus, MemoryBus, UpstashBus } from "../../src/bus/index.ts";
import { createPresence, MemoryPresence, UpstashPresence } from "../../src/presence/index.ts";

describe("createPresence / createBus", () => {
  const upstash = { upstashUrl: "https://example.upstash.io", upstashToken: "t" };

  test("memory without Upstash settings, Upstash with both", () => {
    expect(createPresence({})).toBeInstanceOf(MemoryPresence);
    expect(createBus({})).toBeInstanceOf(MemoryBus);
    expect(createPresence(upstash)).toBeInstanceOf(UpstashPresence);
    expect(createBus(upstash)).toBeInstanceOf(UpstashBus);
    expect(createPresence({ ...upstash, ttlMs: 5_000 }).ttlMs).toBe(5_000);
  });

  test("half a configuration is refused", () => {
    expect(() => createPresence({ upstashUrl: upstash.upstashUrl })).toThrow(/UPSTASH_REDIS_REST_TOKEN/);
    expect(() => createBus({ upstashToken: "t" })).toThrow(/UPSTASH_REDIS_REST_URL/);
  });
});
