// Property-based: every client frame kind of src/schema/frames.ts, well-formed and mutated
// (random, truncated, wrong-typed, oversized, deeply nested, Unicode edges), against a running
// server. PROTOCOL.md "Realtime" 9: an invalid frame gets invalid_request and the connection
// stays usable, so after each frame the socket must still answer a ping; a frame over the size
// limit closes it with 1009. Never an `internal` error, never a crash.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ClientFrame } from "../../src/schema/frames.ts";
import { directConversation, registerMany, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { Sockets, type WsClient } from "../support/ws.ts";
import { deeplyNested, edgyJson, edgyNumber, edgyString, mutated, runs } from "./arbitraries.ts";

const MAX_FRAME_BYTES = 256 * 1024;
const kinds = ClientFrame.options.map((o) => o.shape.t.value);

for (const kind of targetKinds()) {
  describe(`fuzzed client frames [${kind}]`, () => {
    // No frame rate limit in the way: this is about what frames do, not how many.
    const server = useTarget(kind, { WS_FRAMES_PER_SEC: "100000", WS_FRAME_BURST: "100000" });
    const sockets = new Sockets();
    let a: TestUser;
    let b: TestUser;
    let conv: string;
    let socket: WsClient;
    beforeAll(async () => {
      [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      conv = await directConversation(a, b);
    });
    afterAll(() => sockets.closeAll());

    const fresh = async () => (socket = await sockets.hello(server.url, a.accessToken));
    const convId = fc.oneof(fc.constant(() => conv), edgyString.map((s) => () => s));
    const seq = fc.oneof(fc.nat({ max: 5 }), edgyNumber);
    const rid = fc.option(fc.oneof(fc.string({ maxLength: 70 }), edgyNumber), { nil: undefined });
    // One well-formed frame per kind (random values where the schema allows them)...
    const wellFormed: Record<string, fc.Arbitrary<(conv: string) => Record<string, unknown>>> = {
      send: fc.tuple(rid, convId, fc.string({ minLength: 1, maxLength: 130 }), edgyString).map(([r, c, clientId, text]) => (cv) => ({ t: "send", rid: r, conv: c() || cv, clientId, body: { type: "text", text } })),
      sync: fc.tuple(rid, convId, seq, fc.option(edgyNumber)).map(([r, c, after, limit]) => () => ({ t: "sync", rid: r, conv: c(), after, ...(limit === null ? {} : { limit }) })),
      recv: fc.tuple(rid, convId, seq).map(([r, c, s]) => () => ({ t: "recv", rid: r, conv: c(), seq: s })),
      read: fc.tuple(rid, convId, seq).map(([r, c, s]) => () => ({ t: "read", rid: r, conv: c(), seq: s })),
      typing: fc.tuple(rid, convId).map(([r, c]) => () => ({ t: "typing", rid: r, conv: c() })),
      ping: rid.map((r) => () => ({ t: "ping", rid: r })),
      hello: fc.tuple(rid, edgyString, fc.option(fc.dictionary(edgyString, seq, { maxKeys: 3 }))).map(([r, token, cursors]) => () => ({ t: "hello", rid: r, token, ...(cursors ? { cursors } : {}) })),
    };

    test("the frame kinds fuzzed here are every kind of the schema", () => {
      expect(Object.keys(wellFormed).sort()).toEqual([...kinds].sort());
    });

    /** Sends `text`; then the socket must answer a ping (or have closed 1009 for an oversized frame). */
    async function stillUsable(text: string): Promise<void> {
      const before = socket.frames.length;
      socket.sendRaw(text);
      if (new TextEncoder().encode(text).length > MAX_FRAME_BYTES) {
        expect((await socket.closedWithin(5000)).code).toBe(1009);
        await fresh();
        return;
      }
      await socket.barrier();
      const internal = socket.frames.slice(before).filter((f) => f.t === "error" && f.code === "internal");
      expect(internal).toEqual([]);
    }

    for (const t of kinds.filter((k) => k !== "hello")) {
      test(`${t}: well-formed and mutated frames on an authenticated socket`, async () => {
        await fresh();
        await fc.assert(
          fc.asyncProperty(mutated(wellFormed[t]!.map((make) => make(conv))), async (text) => {
            // A mutation that turned it into a valid hello ends the socket by contract (4003).
            if (ClientFrame.safeParse(safeParse(text)).data?.t === "hello") return;
            await stillUsable(text);
          }),
          { numRuns: runs(250) },
        );
      }, 60_000);
    }

    test("random JSON, garbage text and deep nesting on an authenticated socket", async () => {
      await fresh();
      const anyText = fc.oneof(edgyJson.map((v) => JSON.stringify(v) ?? "null"), fc.string({ unit: "binary", maxLength: 200 }), deeplyNested);
      await fc.assert(
        fc.asyncProperty(anyText, async (text) => {
          if (ClientFrame.safeParse(safeParse(text)).data?.t === "hello") return;
          await stillUsable(text);
        }),
        { numRuns: runs(300) },
      );
    }, 60_000);

    test("hello: an invalid one gets invalid_request before hello, and a valid hello still works after it", async () => {
      await fc.assert(
        fc.asyncProperty(mutated(wellFormed.hello!.map((make) => make(conv))), async (text) => {
          const parsed = ClientFrame.safeParse(safeParse(text));
          if (parsed.success) return; // a valid hello with a random token: 4001, tested elsewhere
          const c = await sockets.open(server.url);
          c.sendRaw(text);
          if (new TextEncoder().encode(text).length > MAX_FRAME_BYTES) {
            expect((await c.closedWithin(5000)).code).toBe(1009);
            return;
          }
          expect(await c.waitFor((f) => f.t === "error")).toMatchObject({ code: "invalid_request" });
          expect(await c.hello(b.accessToken)).toMatchObject({ t: "welcome" });
          c.close();
        }),
        { numRuns: runs(100) },
      );
    }, 60_000);
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
