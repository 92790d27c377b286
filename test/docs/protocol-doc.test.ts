// docs/protocol.md is kept in step with the schemas: every frame `t` of ClientFrame and
// ServerFrame, and every route of the OpenAPI document, has a heading in the part of the
// document that describes what is implemented; and nothing is described there that the server
// does not have. Conventions (stated at the top of the document):
//   - a route: a heading holding `METHOD /path`, path parameters as {id} or :id;
//   - a frame: a level-4 heading starting with `t`, under "Client frames" or "Server frames";
//   - everything from the heading "Planned (v1.1, not yet implemented)" on is not checked.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ClientFrame, ServerFrame } from "../../src/schema/frames.ts";
import { useTarget } from "../support/target.ts";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const PLANNED = "Planned (v1.1, not yet implemented)";
const METHODS = new Set(["get", "post", "put", "patch", "delete"]);

interface Heading {
  level: number;
  text: string;
}

/** The headings of a Markdown text, in order; lines in fenced code blocks are not headings. */
function headings(markdown: string): Heading[] {
  const found: Heading[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = !fenced && line.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (m) found.push({ level: m[1]!.length, text: m[2]! });
  }
  return found;
}

/** The headings up to (not including) the one titled `title`. */
function before(all: Heading[], title: string): Heading[] {
  const end = all.findIndex((h) => h.text === title);
  expect(end, `docs/protocol.md has no heading "${title}"`).toBeGreaterThan(-1);
  return all.slice(0, end);
}

/** The headings nested under the one titled `title`. */
function under(all: Heading[], title: string): Heading[] {
  const start = all.findIndex((h) => h.text === title);
  expect(start, `docs/protocol.md has no heading "${title}"`).toBeGreaterThan(-1);
  const level = all[start]!.level;
  const next = all.findIndex((h, i) => i > start && h.level <= level);
  return all.slice(start + 1, next === -1 ? undefined : next);
}

/** `hello` from "#### `hello`": the frame types a section documents. */
const documentedFrames = (section: Heading[]) =>
  section.flatMap((h) => (h.level === 4 ? (h.text.match(/^`([a-z_]+)`/)?.slice(1) ?? []) : []));

/** "GET /v1/conversations/{id}" for every `METHOD /path` in a heading (":id" written as "{id}"). */
const documentedRoutes = (section: Heading[]) =>
  section.flatMap((h) =>
    [...h.text.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`?\s]*)`/g)].map(
      (m) => `${m[1]} ${m[2]!.replace(/:([A-Za-z_]\w*)/g, "{$1}")}`,
    ),
  );

const schemaFrames = (union: typeof ClientFrame | typeof ServerFrame) => union.options.map((frame) => frame.shape.t.value);

const difference = (a: readonly string[], b: readonly string[]) => [...new Set(a)].filter((x) => !b.includes(x)).sort();

/** The document names exactly what the server has: nothing missing, nothing extra. */
function expectDocumentsExactly(actual: readonly string[], documented: readonly string[]): void {
  expect(actual.length).toBeGreaterThan(0);
  expect({ undocumented: difference(actual, documented), notImplemented: difference(documented, actual) }).toEqual({
    undocumented: [],
    notImplemented: [],
  });
}

const implemented = before(headings(read("docs/protocol.md")), PLANNED);

describe("docs/protocol.md", () => {
  for (const [title, union] of [
    ["Client frames", ClientFrame],
    ["Server frames", ServerFrame],
  ] as const) {
    test(`"${title}" documents exactly the frames of the schema`, () => {
      expectDocumentsExactly(schemaFrames(union), documentedFrames(under(implemented, title)));
    });
  }

  describe("routes", () => {
    const server = useTarget("bun");

    test("documents exactly the routes of the OpenAPI document", async () => {
      const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      const served = Object.entries(openapi.paths).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((method) => METHODS.has(method))
          .map((method) => `${method.toUpperCase()} ${path}`),
      );
      expectDocumentsExactly(served, documentedRoutes(implemented));
    });
  });

  test("the README links it, and nothing outside the repository", () => {
    const readme = read("README.md");
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    expect(links).toContain("docs/protocol.md");
    expect(readme.split("\n").filter((line) => line.includes("../shared"))).toEqual([]);
  });
});
