// PROTOCOL.md "Realtime" 9: malformed frames get invalid_request (with their rid when they had
// one) and the connection stays usable; frames over the size limit close with 1009 while 64 KiB
// is accepted; binary frames are a protocol violation (4003).
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { group, register, registerMany, type TestUser } from "../support/api.ts";
import { startTarget, targetKinds, useTarget, onBun } from "../support/target.ts";
import { Sockets, type WsClient } from "../support/ws.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

/** Asserts `c` answers a ping and so still works. */
async function usable(c: WsClient): Promise<void> {
  expect(await c.request({ t: "ping" })).toMatchObject({ t: "pong" });
  expect(c.open).toBe(true);
}

/** A frame of exactly `bytes` UTF-8 bytes: `frame` plus a padding field. */
function frameOfSize(frame: Record<string, unknown>, bytes: number): string {
  const bare = JSON.stringify({ ...frame, pad: "" });
  const size = Buffer.byteLength(bare);
  if (size > bytes) throw new Error(`frame is already ${size} bytes`);
  const text = JSON.stringify({ ...frame, pad: "x".repeat(bytes - size) });
  expect(Buffer.byteLength(text)).toBe(bytes);
  return text;
}

for (const kind of targetKinds()) {
  describe(`ws frames [${kind}]`, () => {
    const server = useTarget(kind);
    let alice: TestUser;
    beforeAll(async () => {
      alice = await register(server.url);
    });

    test("invalid JSON → error invalid_request (no rid), the connection stays usable", async () => {
      const c = await sockets.hello(server.url, alice.accessToken);
      for (const raw of ["{not json", "", "[1, 2", '"just a string', "nul"]) {
        c.sendRaw(raw);
        const err = await c.waitFor((f) => f.t === "error");
        expect(err).toMatchObject({ t: "error", code: "invalid_request", message: expect.any(String) });
        expect(err.rid).toBeUndefined();
      }
      await usable(c);
    });

    test("JSON that is not a frame object (array, number, null, no t) → invalid_request", async () => {
      const c = await sockets.hello(server.url, alice.accessToken);
      for (const raw of ["[]", "42", "null", '"ping"', '{"rid":"no-t"}']) {
        c.sendRaw(raw);
        const err = await c.waitFor((f) => f.t === "error");
        expect({ raw, code: err.code }).toEqual({ raw, code: "invalid_request" });
      }
      // the one with a rid but no t still gets its rid back
      expect(c.all((f) => f.t === "error" && f.rid === "no-t")).toHaveLength(1);
      await usable(c);
    });

    test("unknown t → invalid_request, with the rid when there was one", async () => {
      const c = await sockets.hello(server.url, alice.accessToken);
      expect(await c.request({ t: "teleport", rid: "u-1" })).toMatchObject({ t: "error", rid: "u-1", code: "invalid_request" });
      expect(await c.request({ t: "welcome", rid: 7 })).toMatchObject({ t: "error", rid: 7, code: "invalid_request" });
      c.send({ t: "teleport" });
      const err = await c.waitFor((f) => f.t === "error" && f.rid === undefined);
      expect(err.code).toBe("invalid_request");
      await usable(c);
    });

    test("failed validation → invalid_request with details, the rid when there was one", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const c = await sockets.hello(server.url, a.accessToken);
      const bad = [
        { t: "send", conv, clientId: "x" }, // no body
        { t: "send", conv, clientId: "x", body: { type: "text", text: "" } }, // empty text
        { t: "send", conv, clientId: "x", body: { type: "text", text: "y".repeat(16_001) } }, // too long
        { t: "send", conv, clientId: "x", body: { type: "video", url: "x" } }, // unknown body type
        { t: "send", conv, clientId: "", body: { type: "text", text: "y" } }, // empty clientId
        { t: "sync", conv, after: -1 },
        { t: "sync", conv, after: "0" },
        { t: "read", conv, seq: 1.5 },
        { t: "recv", conv },
        { t: "typing" },
      ];
      for (const [i, frame] of bad.entries()) {
        const err = await c.request({ ...frame, rid: `v-${i}` });
        expect({ i, t: err.t, code: err.code }).toEqual({ i, t: "error", code: "invalid_request" });
        expect(typeof err.message).toBe("string");
        expect(Array.isArray(err.details)).toBe(true);
      }
      c.send({ t: "send", conv, clientId: "x" });
      const noRid = await c.waitFor((f) => f.t === "error" && f.rid === undefined);
      expect(noRid.code).toBe("invalid_request");
      // nothing was stored, and the socket still sends
      await usable(c);
      const ack = await c.sendText(conv, "valid at last");
      expect(ack).toMatchObject({ t: "ack", seq: 1 });
    });

    test("a 64 KiB frame is accepted (a send of 16,000 three-byte characters, padded)", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const c = await sockets.hello(server.url, a.accessToken);
      const bWs = await sockets.hello(server.url, b.accessToken);
      const text = "€".repeat(16_000);
      c.sendRaw(frameOfSize({ t: "send", rid: "big", conv, clientId: "big-1", body: { type: "text", text } }, 64 * 1024));
      const ack = await c.waitFor((f) => f.rid === "big");
      expect(ack).toMatchObject({ t: "ack", seq: 1, clientId: "big-1" });
      expect((await bWs.waitFor((f) => f.t === "msg")).body.text).toBe(text);
      // a 64 KiB ping too
      c.sendRaw(frameOfSize({ t: "ping", rid: "big-ping" }, 64 * 1024));
      expect(await c.waitFor((f) => f.rid === "big-ping")).toEqual({ t: "pong", rid: "big-ping" });
    });

    test("a frame over the size limit → close 1009 (also before hello)", async () => {
      const c = await sockets.hello(server.url, alice.accessToken);
      // the default limit is 256 KiB: just under it is fine, 1 MiB is not
      c.sendRaw(frameOfSize({ t: "ping", rid: "under" }, 250 * 1024));
      await c.waitFor((f) => f.rid === "under");
      c.sendRaw(frameOfSize({ t: "ping", rid: "over" }, 1024 * 1024));
      expect((await c.closedWithin()).code).toBe(1009);
      expect(c.all((f) => f.rid === "over")).toHaveLength(0);

      const early = await sockets.open(server.url);
      early.sendRaw("x".repeat(1024 * 1024));
      expect((await early.closedWithin()).code).toBe(1009);
    });

    test("a binary frame → close 4003 (also before hello)", async () => {
      const c = await sockets.hello(server.url, alice.accessToken);
      c.sendRaw(new TextEncoder().encode(JSON.stringify({ t: "ping", rid: "bin" })));
      expect((await c.closedWithin()).code).toBe(4003);
      expect(c.all((f) => f.rid === "bin")).toHaveLength(0);

      const early = await sockets.open(server.url);
      early.sendRaw(new Uint8Array([1, 2, 3]));
      expect((await early.closedWithin()).code).toBe(4003);
    });
  });
}

describe.if(onBun)("ws frames, dedicated configuration [bun]", () => {
  test("MAX_FRAME_BYTES: a frame one byte over the configured limit → 1009, at the limit → accepted", async () => {
    const LIMIT = 100 * 1024;
    const t = await startTarget("bun", { MAX_FRAME_BYTES: String(LIMIT) });
    try {
      const u = await register(t.url);
      const c = await sockets.hello(t.url, u.accessToken);
      c.sendRaw(frameOfSize({ t: "ping", rid: "at" }, LIMIT));
      expect(await c.waitFor((f) => f.rid === "at")).toEqual({ t: "pong", rid: "at" });
      c.sendRaw(frameOfSize({ t: "ping", rid: "over" }, LIMIT + 1));
      expect((await c.closedWithin()).code).toBe(1009);
    } finally {
      sockets.closeAll();
      await t.stop();
    }
  });
});
