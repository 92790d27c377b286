// What only the Workers build has to get right (the HTTP contract itself is test/http, run
// against workers by `npm run test:workers`): D1's 100-parameter statements, configuration from
// bindings, the JWT_SECRET fallback for local development, and what GET /v1/ws refuses
// (realtime on Workers: test/ws under `npm run test:workers`, and realtime.test.ts here).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { call, registerMany, type TestUser } from "../support/api.ts";
import { TEST_JWT_SECRET } from "../support/target.ts";
import { startWorkers, type WorkersTarget } from "../support/wrangler.ts";

describe("Workers build", () => {
  let w: WorkersTarget;
  beforeAll(async () => {
    w = await startWorkers({ vars: { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", PBKDF2_ITERATIONS: "1000", AUTH_RATE_LIMIT_PER_IP: "0" } });
  });
  afterAll(() => w?.stop());

  test("a group of 150 on D1 (statements of at most 100 bound parameters)", async () => {
    const [owner, ...others] = (await registerMany(w.url, 151)) as TestUser[];
    const res = await owner!.api.post("/v1/conversations", { kind: "group", title: "big", members: others.map((u) => u.id) });
    expect(res.status).toBe(201);
    expect(res.body.members).toHaveLength(151);
    expect(new Set(res.body.members.map((m: { userId: string }) => m.userId)).size).toBe(151);
    // one unknown id among 150 known ones is still found and named
    const bad = await owner!.api.post("/v1/conversations", { kind: "group", title: "bad", members: [...others.map((u) => u.id), "no-such-user"] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain("no-such-user");
  });

  test("GET /v1/ws: foreign Origin 403, plain GET 400, an upgrade with a bad ?token= 401", async () => {
    const upgrade = { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13" };
    expect((await call(w.url, "GET", "/v1/ws", { headers: { ...upgrade, Origin: "https://evil.example" } })).status).toBe(403);
    expect((await call(w.url, "GET", "/v1/ws")).body.error.code).toBe("invalid_request");
    const res = await call(w.url, "GET", "/v1/ws?token=not-a-token", { headers: upgrade });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
  });
});

describe("Workers configuration", () => {
  test("without JWT_SECRET: serves loopback requests (local dev), refuses any other host", async () => {
    const w = await startWorkers({ vars: { LOG_LEVEL: "warning" } });
    try {
      expect((await call(w.url, "GET", "/healthz")).status).toBe(200);
      const elsewhere = await call(w.url, "GET", "/healthz", { headers: { Host: "parley.example.com" } });
      expect(elsewhere.status).toBe(500);
      expect(elsewhere.body.error.message).toContain("JWT_SECRET");
      expect(w.output()).toContain("JWT_SECRET is not set");
    } finally {
      await w.stop();
    }
  });

  test("invalid configuration: every request is a 500 naming the setting", async () => {
    const w = await startWorkers({ vars: { JWT_SECRET: "too-short" }, ready: (status) => status === 500 });
    try {
      for (const path of ["/healthz", "/v1/me"]) {
        const res = await call(w.url, "GET", path);
        expect(res.status).toBe(500);
        expect(res.body.error.message).toContain("JWT_SECRET must be at least 32 characters");
      }
    } finally {
      await w.stop();
    }
  });
});
