// The web app at / and the API docs at /docs, served by Parley itself on each runtime: the page
// with its Content-Security-Policy, and every file it references from this origin (no CDN),
// content-hashed under /assets/ and cached for good.
import { describe, expect, test } from "bun:test";
import { call, expectError } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";

/** The src/href of every <script> and <link> of a page. */
const references = (html: string) => [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

for (const kind of targetKinds()) {
  describe(`web app and docs [${kind}]`, () => {
    const server = useTarget(kind);

    for (const [path, marker] of [
      ["/", 'id="app"'],
      ["/docs", 'data-url="/openapi.json"'],
    ] as const) {
      test(`GET ${path}: the page, a strict CSP, and its assets from this origin`, async () => {
        const res = await fetch(server.url + path);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toContain("text/html");
        expect(res.headers.get("cache-control")).toBe("no-cache");
        const csp = res.headers.get("content-security-policy") ?? "";
        const host = new URL(server.url).host;
        for (const directive of [
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          `connect-src 'self' ws://${host} wss://${host}`,
          "object-src 'none'",
          "base-uri 'none'",
          "frame-ancestors 'none'",
        ]) {
          expect(csp.split("; ")).toContain(directive);
        }
        expect(csp).not.toContain("unsafe-inline");
        expect(csp).not.toContain("unsafe-eval");

        const html = await res.text();
        expect(html).toContain(marker);
        expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
        const refs = references(html);
        expect(refs.some((r) => r.endsWith(".js"))).toBe(true);
        expect(refs.some((r) => r.endsWith(".css"))).toBe(true);
        for (const ref of refs) {
          expect(ref).toMatch(/^\/assets\/[\w.-]+$/); // this origin, never a CDN
          const asset = await fetch(server.url + ref);
          expect({ ref, status: asset.status }).toEqual({ ref, status: 200 });
          expect(asset.headers.get("cache-control")).toContain("immutable");
          const type = asset.headers.get("content-type") ?? "";
          if (ref.endsWith(".js")) expect(type).toContain("javascript");
          if (ref.endsWith(".css")) expect(type).toContain("text/css");
          expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
        }
      });
    }

    test("an unknown asset or page: 404 in the error shape", async () => {
      expectError(await call(server.url, "GET", "/assets/nope-12345678.js"), 404, "not_found");
      expectError(await call(server.url, "GET", "/index.html"), 404, "not_found");
      expectError(await call(server.url, "GET", "/assets/../index.html"), 404, "not_found");
    });
  });
}
