// Log formats of the Bun server (README "Configuration", LOG_FORMAT): JSON lines unless asked for
// pretty lines, which show time, level, area, message and the request id.
import { describe, expect, test } from "bun:test";
import { spawnServer, type ServerProcess } from "../support/process.ts";
import { tempDataDir } from "../support/target.ts";

/** Starts a server with `env`, makes one request with a known request id, returns its log lines. */
async function logOfOneRequest(env: Record<string, string | undefined>, requestId: string): Promise<string[]> {
  const data = tempDataDir();
  let server: ServerProcess | undefined;
  try {
    server = await spawnServer(data.dir, env);
    const res = await fetch(`${server.url}/healthz`, { headers: { "X-Request-Id": requestId } });
    expect(res.status).toBe(200);
    for (let waited = 0; !server.output().includes(requestId) && waited < 5000; waited += 20) await Bun.sleep(20);
    return server.output().split("\n").filter(Boolean);
  } finally {
    await server?.stop();
    data.remove();
  }
}

describe("log format", () => {
  test("LOG_FORMAT=pretty: one short line per request, with method, path, status, ms and request id", async () => {
    const lines = await logOfOneRequest({ LOG_FORMAT: "pretty" }, "pretty-request-1");
    const access = lines.filter((line) => line.includes("pretty-request-1"));
    expect(access).toHaveLength(1);
    expect(access[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INF http: GET \/healthz 200 \d+(\.\d+)? ms \[pretty-request-1\]$/);
    expect(lines.some((line) => /^\d\d:\d\d:\d\d\.\d{3} INF server: Parley listening on http:\/\/\S+$/.test(line))).toBe(true);
  });

  test("LOG_FORMAT unset, output not a terminal: every line is a JSON object", async () => {
    const lines = await logOfOneRequest({ LOG_FORMAT: undefined }, "json-request-1");
    const records = lines.map((line) => JSON.parse(line) as { level: string; logger: string; properties: Record<string, unknown> });
    const access = records.filter((r) => r.properties.requestId === "json-request-1");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: "INFO",
      logger: "parley.http",
      properties: { method: "GET", path: "/healthz", status: 200, ms: expect.any(Number) },
    });
  });
});
