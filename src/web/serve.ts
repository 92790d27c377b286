// The web chat app at `/` and the API docs at `/docs`: their HTML pages (with the page's
// Content-Security-Policy) and their built assets under /assets/. Runtime-free: where the built
// files come from is the runtime's (Bun builds them in memory, the Worker reads its static assets),
// behind WebAssets.
import { Hono } from "hono";
import { notFound } from "../core/errors.ts";
import type { AppEnv } from "../http/env.ts";

/** The files of `npm run build:web` (src/web/build.ts), by path: "/index.html", "/assets/…". */
export interface WebAssets {
  /** the file with its Content-Type, or null when there is none */
  file(path: string): Promise<Response | null>;
}

/** The pages' policy: nothing but this origin, no inline script or style, never framed. */
export function pageCsp(requestUrl: string): string {
  const { host } = new URL(requestUrl);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // Swagger UI's stylesheet draws its icons from data: URLs
    "img-src 'self' data:",
    // 'self' covers ws(s): to this origin in CSP 3, not in every browser yet; behind a TLS proxy
    // the request may look like http while the page is https, so both schemes
    `connect-src 'self' ws://${host} wss://${host}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function webRoutes(assets: WebAssets) {
  const page = (file: string) => async (c: { req: { url: string } }) => {
    const res = await assets.file(file);
    if (!res) throw notFound(`${file} (the web app is not built: npm run build:web)`);
    const headers = new Headers(res.headers);
    headers.set("Content-Type", "text/html; charset=utf-8");
    headers.set("Content-Security-Policy", pageCsp(c.req.url));
    // the page names its assets by content hash: it must be revalidated, they never change
    headers.set("Cache-Control", "no-cache");
    return new Response(res.body, { status: 200, headers });
  };

  return new Hono<AppEnv>()
    .get("/", page("/index.html"))
    .get("/docs", page("/docs.html"))
    // the service worker of push notifications (src/web/app/sw.ts): not hashed (its URL is its
    // identity), so revalidated like the page
    .get("/sw.js", async () => {
      const res = await assets.file("/sw.js");
      if (!res) throw notFound("/sw.js (the web app is not built: npm run build:web)");
      const headers = new Headers(res.headers);
      headers.set("Content-Type", "text/javascript; charset=utf-8");
      headers.set("Cache-Control", "no-cache");
      return new Response(res.body, { status: 200, headers });
    })
    .get("/assets/*", async (c) => {
      const res = await assets.file(c.req.path);
      if (!res) throw notFound(`asset ${c.req.path}`);
      const headers = new Headers(res.headers);
      headers.set("Cache-Control", "public, max-age=31536000, immutable");
      headers.set("X-Content-Type-Options", "nosniff");
      return new Response(res.body, { status: 200, headers });
    });
}

/** Files behind a fetch, as the Worker's ASSETS binding (Workers static assets, html_handling "none"). */
export function fetchedAssets(fetch: (request: Request) => Promise<Response>): WebAssets {
  return {
    async file(path) {
      const res = await fetch(new Request(new URL(path, "http://assets.local")));
      if (res.ok) return res;
      await res.body?.cancel();
      return null;
    },
  };
}
