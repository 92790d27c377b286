// Browser apps on an allowed origin may call the HTTP API; others get no CORS grant.
import { describe, expect, test } from "bun:test";
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
  });
}
