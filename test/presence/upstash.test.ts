// Against real Redis through the Upstash REST API (locally: the bridge); skipped without it.
import { afterAll, describe } from "bun:test";
import { UpstashPresence } from "../../src/presence/upstash.ts";
import { presenceSuite } from "./presence-suite.ts";
import { dropKeys, uniquePrefix, upstash } from "../support/upstash.ts";

describe.skipIf(!upstash)("presence [upstash]", () => {
  const root = uniquePrefix("presence");
  let n = 0;
  afterAll(() => dropKeys(root));

  presenceSuite({
    nodes(ttlMs) {
      // two clients on one fresh prefix: two nodes sharing Redis, apart from other tests' users
      const prefix = `${root}${n++}:`;
      return [new UpstashPresence({ ...upstash!, prefix, ttlMs }), new UpstashPresence({ ...upstash!, prefix, ttlMs })];
    },
  });
});
