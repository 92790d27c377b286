// The import direction: the runtime-free layers (src/schema, src/core, src/realtime) never import
// a runtime, a framework, a database driver or an adapter, and lower layers never import higher
// ones. And no import cycle anywhere in src/. Read from the source text (type imports count), so
// this fails the moment such an import is written, whether or not it is ever run.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const root = resolve(import.meta.dir, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => join(dir, f));
}

/** What a file imports: relative imports as paths from the repository root, packages as named. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
  return importedFiles.map(({ fileName }) => (fileName.startsWith(".") ? relative(root, resolve(root, dirname(file), fileName)) : fileName));
}

const builtins = new Set(builtinModules);
/** Never imported by the runtime-free layers. */
const forbidden: [string, (target: string) => boolean][] = [
  ["an adapter", (t) => t.startsWith("src/adapter/")],
  ["the HTTP app", (t) => t.startsWith("src/http/")],
  ["the SQL store", (t) => t.startsWith("src/store/")],
  ["a presence or bus backend", (t) => t.startsWith("src/presence/") || t.startsWith("src/bus/") || t === "src/upstash.ts"],
  ["hono", (t) => /^(hono|@hono\/[^/]+)(\/|$)/.test(t)],
  ["drizzle", (t) => /^drizzle-orm(\/|$)/.test(t)],
  ["a database or Redis client", (t) => /^@(libsql|upstash)\//.test(t)],
  ["a metrics library (the adapters implement src/core/metrics.ts)", (t) => /^(prom-client|@opentelemetry\/[^/]+)(\/|$)/.test(t)],
  ["a runtime", (t) => /^(bun|bun:.*|cloudflare:.*|node:.*)$/.test(t) || builtins.has(t)],
];
/** Each layer, and the layers above it that it must not import. */
const layers: [string, string[]][] = [
  ["src/schema/", ["src/core/", "src/realtime/"]],
  ["src/core/", ["src/realtime/"]],
  ["src/realtime/", []],
];

test("src/schema, src/core and src/realtime import no runtime, framework, driver or adapter, and no layer above them", () => {
  const violations: string[] = [];
  for (const [layer, above] of layers) {
    for (const file of sourceFiles(layer)) {
      for (const target of importsOf(file)) {
        const rule = forbidden.find(([, matches]) => matches(target))?.[0] ?? (above.some((a) => target.startsWith(a)) ? "a layer above" : null);
        if (rule) violations.push(`${file} imports ${target} (${rule})`);
      }
    }
  }
  expect(violations).toEqual([]);
});

test("no import cycle in src/", () => {
  const files = sourceFiles("src");
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.startsWith("src/"))]));
  const cycles: string[] = [];
  // Depth-first; a file met again while it is still on the path closes a cycle.
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next].join(" → "));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file);
  expect(cycles).toEqual([]);
});
