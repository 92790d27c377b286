// Builds the web app (src/web/app) and the API docs page (src/web/docs) with Bun's bundler:
// each page is an HTML entrypoint whose scripts and stylesheets become content-hashed files under
// /assets/, so the page itself is the only thing ever revalidated. Swagger UI comes from the
// swagger-ui-dist package, bundled like the app's own code: nothing is loaded from a CDN.
//
// The Bun server builds in memory, once per process, on the first request for a page (webAssets
// below). The Worker serves the files from Workers static assets: `npm run build:web` writes them
// to dist/web (wrangler.toml [assets]) and prints their sizes.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { log } from "../log.ts";
import type { WebAssets } from "./serve.ts";

const here = dirname(fileURLToPath(import.meta.url));
// sw.ts becomes /sw.js: a service worker's scope is its script's folder, and the app's is /.
const ENTRYPOINTS = [join(here, "app", "index.html"), join(here, "docs", "docs.html"), join(here, "app", "sw.ts")];

export interface WebFile {
  bytes: Uint8Array<ArrayBuffer>;
  type: string;
}
/** by URL path: "/index.html", "/docs.html", "/sw.js", "/assets/<name>-<hash>.<ext>" */
export type WebFiles = Map<string, WebFile>;

export async function buildWeb(): Promise<WebFiles> {
  const result = await Bun.build({
    entrypoints: ENTRYPOINTS,
    target: "browser",
    minify: true,
    jsx: { runtime: "automatic", importSource: "preact", development: false },
    define: { "process.env.NODE_ENV": '"production"' },
    naming: { entry: "[name].[ext]", chunk: "assets/[name]-[hash].[ext]", asset: "assets/[name]-[hash].[ext]" },
    publicPath: "/",
    throw: false,
  });
  if (!result.success) throw new Error(`web build failed:\n${result.logs.map(String).join("\n")}`);
  const files: WebFiles = new Map();
  for (const output of result.outputs) {
    const path = "/" + output.path.replace(/^\.\//, "");
    files.set(path, { bytes: new Uint8Array(await output.arrayBuffer()), type: output.type });
  }
  return files;
}

/** One line per file: path, bytes and gzipped bytes, largest first. */
export function sizeReport(files: WebFiles): string {
  const rows = [...files].sort(([, a], [, b]) => b.bytes.length - a.bytes.length);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
  return rows.map(([path, f]) => `${kb(f.bytes.length)} ${kb(Bun.gzipSync(f.bytes).length)} gzip  ${path}`).join("\n");
}

/** Writes the files under `dir` (emptied first). */
export function writeWeb(files: WebFiles, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, file] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.bytes);
  }
}

let built: Promise<WebFiles> | undefined;

/** The Bun server's assets: built in memory on first use, once per process. */
export const webAssets: WebAssets = {
  async file(path) {
    // A failed build is not tried again (requests would make the server rebuild over and over):
    // the pages answer 500 until a restart.
    built ??= buildWeb().then(
      (files) => {
        const bytes = [...files.values()].reduce((sum, file) => sum + file.bytes.length, 0);
        log("web").info("web app and docs built in memory: {files} files, {bytes} bytes", { files: files.size, bytes });
        return files;
      },
      (error) => {
        log("web").error("the web app could not be built: {error}", { error });
        throw error;
      },
    );
    const file = (await built).get(path);
    return file ? new Response(file.bytes, { headers: { "Content-Type": file.type } }) : null;
  },
};

// `bun src/web/build.ts [outdir]` (npm run build:web): the files for Workers static assets.
if (import.meta.main) {
  const dir = process.argv[2] ?? join(here, "..", "..", "dist", "web");
  const files = await buildWeb();
  writeWeb(files, dir);
  console.log(`web build → ${dir}\n${sizeReport(files)}`);
}
