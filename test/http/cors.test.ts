// Browser apps on an allowed origin may call the HTTP API; others get no CORS grant.
import { describe, expect, test } from "bun:test";
import { registerMany } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";

const preflight = (url: string, origin: string) =>
  fetch(`${url}/v1/me`, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
  });

for (const kind of targetKinds()) {
  describe(`CORS [${kind}]`, () => {
    const target = useTarget(kind, { ALLOWED_ORIGINS: "https://app.example" });

    test("an allowed origin is granted, with the Authorization header", async () => {
      const res = await preflight(target.url, "https://app.example");
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
      expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    });

    test("another origin is not granted", async () => {
      const res = await preflight(target.url, "https://evil.example");
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      const get = await fetch(`${target.url}/v1/me`, { headers: { Origin: "https://evil.example" } });
      expect(get.headers.get("access-control-allow-origin")).toBeNull();
    });

    // The headers every API answer carries, written onto the final answer (src/http/api-headers.ts).
    test("answers, errors and preflights carry CORS, Vary and no-store", async () => {
      const [user] = await registerMany(target.url, 1);
      const me = (origin?: string) =>
        fetch(`${target.url}/v1/me`, { headers: { Authorization: `Bearer ${user!.accessToken}`, ...(origin ? { Origin: origin } : {}) } });
      const cors = (res: Response) => ({
        status: res.status,
        allowOrigin: res.headers.get("access-control-allow-origin"),
        expose: res.headers.get("access-control-expose-headers"),
        vary: res.headers.get("vary"),
        cache: res.headers.get("cache-control"),
        requestId: res.headers.has("x-request-id"),
        nosniff: res.headers.get("x-content-type-options"),
      });
      const expose = "Retry-After,X-Request-Id";
      const common = { expose, vary: "Origin", cache: "no-store", requestId: true, nosniff: "nosniff" };
      expect(cors(await me("https://app.example"))).toEqual({ status: 200, allowOrigin: "https://app.example", ...common });
      expect(cors(await me())).toEqual({ status: 200, allowOrigin: null, ...common });
      expect(cors(await me("https://evil.example"))).toEqual({ status: 200, allowOrigin: null, ...common });
      const refused = await fetch(`${target.url}/v1/me`, { headers: { Origin: "https://app.example" } });
      expect(cors(refused)).toEqual({ status: 401, allowOrigin: "https://app.example", ...common });
      const preflighted = await preflight(target.url, "https://app.example");
      expect(cors(preflighted)).toEqual({ status: 204, allowOrigin: "https://app.example", ...common, vary: "Origin, Access-Control-Request-Headers" });
      expect(preflighted.headers.get("access-control-max-age")).toBe("600");
      expect(preflighted.headers.get("access-control-allow-methods")).toContain("DELETE");
    });
  });
}
