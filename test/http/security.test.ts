// Safe defaults: security headers on every answer, no caching of answers that carry tokens or
// private data, a policy for HTML, and (Bun) a data directory only its user can read.
import { describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { call, register } from "../support/api.ts";
import { spawnServer } from "../support/process.ts";
import { targetKinds, tempDataDir, useTarget, onBun } from "../support/target.ts";

for (const kind of targetKinds()) {
  describe(`security headers [${kind}]`, () => {
    const t = useTarget(kind);

    test("every answer says nosniff, no framing, no referrer: health, errors, the document", async () => {
      for (const path of ["/healthz", "/v1/me", "/no/such/route", "/openapi.json"]) {
        const res = await fetch(t.url + path);
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(res.headers.get("x-frame-options")).toBe("DENY");
        expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      }
    });

    test("answers with tokens or private data are never cached (Cache-Control: no-store)", async () => {
      const user = await register(t.url);
      const login = await call(t.url, "POST", "/v1/auth/login", { json: { username: user.username, password: user.password } });
      const refresh = await call(t.url, "POST", "/v1/auth/refresh", { json: { refreshToken: login.body.refreshToken } });
      const list = await user.api.get("/v1/conversations");
      const refused = await call(t.url, "POST", "/v1/auth/login", { json: { username: user.username, password: "wrong-password" } });
      for (const res of [login, refresh, list, refused]) expect(res.headers.get("cache-control")).toBe("no-store");
      const registered = await fetch(`${t.url}/v1/auth/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: `${user.username.slice(0, 28)}_2`, password: "password1" }),
      });
      expect(registered.status).toBe(201);
      expect(registered.headers.get("cache-control")).toBe("no-store");
    });

    test("the HTML page (/docs) may not be framed and runs only the scripts it names", async () => {
      const res = await fetch(`${t.url}/docs`);
      expect(res.status).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
    });
  });
}

describe.if(onBun)("data directory [bun]", () => {
  test("DATA_DIR is created 0700, the database, its WAL and the dev JWT secret 0600", async () => {
    const parent = tempDataDir("parley-modes-");
    const dataDir = join(parent.dir, "data");
    const server = await spawnServer(dataDir, { JWT_SECRET: undefined });
    try {
      await register(server.url); // writes: the WAL exists
      const mode = (path: string) => statSync(path).mode & 0o777;
      expect(mode(dataDir)).toBe(0o700);
      for (const file of ["parley.db", "parley.db-wal", "parley.db-shm", "jwt-secret"]) expect([file, mode(join(dataDir, file))]).toEqual([file, 0o600]);
    } finally {
      await server.stop();
      parent.remove();
    }
  });
});
