// The container image and the compose example (README "Running in a container"). No container
// engine runs here (.ci/run builds the image where one does), so this checks what can be checked
// without one: the compose file wires the services it names, with settings Parley knows; the
// image's Bun is the project's; and the image's HEALTHCHECK command tells a serving Parley from
// none.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ConfigSchema } from "../../src/config.ts";
import { spawnServer } from "../support/process.ts";
import { tempDataDir } from "../support/target.ts";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

interface Service {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
}
const compose = Bun.YAML.parse(read("compose.yaml")) as { services: Record<string, Service> };
const services = compose.services;
const parleys = Object.entries(services).filter(([, s]) => s.build === ".");

/** Dockerfile instructions as [keyword, rest], continuation lines joined. */
const dockerfile = read("Dockerfile")
  .replace(/\\\n/g, " ")
  .split("\n")
  .filter((line) => line.trim() && !line.trimStart().startsWith("#"))
  .map((line) => line.trim().match(/^(\S+)\s+(.*)$/)!.slice(1) as [string, string]);
const instruction = (keyword: string) => dockerfile.filter(([k]) => k === keyword).map(([, rest]) => rest);

describe("compose.yaml", () => {
  test("two Parley nodes built from this repository, on different host ports", () => {
    expect(parleys.map(([name]) => name)).toHaveLength(2);
    const hostPorts = parleys.flatMap(([, s]) => s.ports ?? []).map((p) => p.split(":")[0]);
    expect(new Set(hostPorts).size).toBe(2);
  });

  test("the nodes are configured only with settings Parley has, the same on both", () => {
    const known = Object.keys(ConfigSchema.shape);
    for (const [, service] of parleys) expect(Object.keys(service.environment ?? {}).filter((name) => !known.includes(name))).toEqual([]);
    expect(parleys[0]![1].environment).toEqual(parleys[1]![1].environment);
  });

  test("they share the libSQL server and the Upstash proxy, with the token the proxy expects", () => {
    const env = parleys[0]![1].environment!;
    const sqldPort = services.sqld?.environment?.SQLD_HTTP_LISTEN_ADDR?.split(":").at(-1);
    expect(env.DATABASE_URL).toBe(`http://sqld:${sqldPort}`);
    expect(env.UPSTASH_REDIS_REST_URL).toContain("http://srh:80");
    expect(services.srh?.environment).toMatchObject({ SRH_MODE: "env", SRH_TOKEN: env.UPSTASH_REDIS_REST_TOKEN });
    expect(services.srh?.environment?.SRH_CONNECTION_STRING).toBe("redis://redis:6379");
    expect(env.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/); // required, never a default key
  });

  test("every service depended on exists", () => {
    const needed = Object.values(services).flatMap((s) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {})));
    expect(needed.filter((name) => !(name in services))).toEqual([]);
  });
});

describe("Dockerfile", () => {
  test("its Bun is the project's Bun", () => {
    const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { version: string }> };
    expect(instruction("ARG")).toContain(`BUN_VERSION=${lock.packages["node_modules/bun"]!.version}`);
    expect(instruction("FROM").every((from) => from.startsWith("oven/bun:${BUN_VERSION}"))).toBe(true);
  });

  test("runs as a user of its own, with DATA_DIR a volume", () => {
    expect(instruction("USER")).toEqual(["bun"]);
    const dataDir = instruction("ENV").join(" ").match(/DATA_DIR=(\S+)/)?.[1];
    expect(instruction("VOLUME")).toEqual([dataDir!]);
  });

  test("its HEALTHCHECK passes against a serving Parley and fails without one", async () => {
    const check = JSON.parse(instruction("HEALTHCHECK")[0]!.match(/CMD\s+(\[.*\])\s*$/)![1]!) as string[];
    expect(check[0]).toBe("bun");
    const run = (port: string) =>
      Bun.spawn([process.execPath, ...check.slice(1)], { env: { ...process.env, PORT: port }, stdout: "ignore", stderr: "ignore" }).exited;

    const data = tempDataDir();
    const server = await spawnServer(data.dir);
    try {
      expect(await run(new URL(server.url).port)).toBe(0);
    } finally {
      await server.stop();
      data.remove();
    }
    expect(await run(new URL(server.url).port)).not.toBe(0);
  });
});
