// PROTOCOL.md "Operations": GET /metrics, Prometheus text, behind METRICS_TOKEN when it is set.
// The figures are checked against what the test itself did (a send, its ack, a close, requests).
import { beforeAll, describe, expect, test } from "bun:test";
import { metric, parseMetrics, scrape } from "../../bench/lib/metrics.ts";
import { call, directConversation, expectError, registerMany, type TestUser } from "../support/api.ts";
import { onBun, targetKinds, useTarget } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";

const TOKEN = "metrics-token-for-tests";

for (const kind of targetKinds()) {
  describe(`GET /metrics with METRICS_TOKEN [${kind}]`, () => {
    const server = useTarget(kind, { METRICS_TOKEN: TOKEN });

    test("without the token, or with another: 401 in the error shape", async () => {
      expectError(await call(server.url, "GET", "/metrics"), 401, "unauthorized");
      expectError(await call(server.url, "GET", "/metrics", { token: "not-the-token" }), 401, "unauthorized");
      expectError(await call(server.url, "GET", "/metrics", { headers: { Authorization: TOKEN } }), 401, "unauthorized");
    });

    test(kind === "bun" ? "with it: 200, Prometheus text" : "with it: 501 not_implemented (Workers write no Prometheus text, see README)", async () => {
      const res = await call(server.url, "GET", "/metrics", { token: TOKEN });
      if (kind === "workers") return expectError(res, 501, "not_implemented");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain");
      expect(res.text).toContain("# TYPE parley_messages_committed_total counter");
    });

    test("the OpenAPI document describes it, with its token", async () => {
      const doc = (await call(server.url, "GET", "/openapi.json")).body;
      expect(doc.paths["/metrics"].get.security).toEqual([{ metricsToken: [] }]);
      expect(doc.components.securitySchemes.metricsToken).toMatchObject({ type: "http", scheme: "bearer" });
    });
  });
}

describe.if(onBun)("GET /metrics: the figures [bun]", () => {
  const server = useTarget("bun");
  const sockets = new Sockets();
  let a: TestUser;
  let b: TestUser;
  let conv: string;
  beforeAll(async () => {
    [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
    conv = await directConversation(a, b);
  });

  test("without METRICS_TOKEN it is open, and lists every metric of the catalogue", async () => {
    const res = await call(server.url, "GET", "/metrics");
    expect(res.status).toBe(200);
    const names = new Set(parseMetrics(res.text).map((s) => s.name.replace(/_(bucket|sum|count)$/, "")));
    for (const name of ["parley_ws_open_sockets", "parley_ws_authenticated_users", "parley_messages_committed_total", "parley_commit_batch_size", "parley_commit_seconds", "parley_fanout_deliveries_total", "parley_ack_seconds", "parley_ws_queued_bytes", "parley_ws_queued_bytes_peak", "process_resident_memory_bytes", "process_open_fds"]) {
      expect({ name, listed: names.has(name) }).toEqual({ name, listed: true });
    }
  });

  test("sockets, users, commits, acks and fan-out follow what happened", async () => {
    const before = await scrape(server.url);
    const sender = await sockets.hello(server.url, a.accessToken, { device: "phone" });
    const reader = await sockets.hello(server.url, b.accessToken, { device: "phone" });
    await sockets.hello(server.url, b.accessToken, { device: "laptop" });
    const during = await scrape(server.url);
    expect(metric(during, "parley_ws_open_sockets")).toBe(3);
    expect(metric(during, "parley_ws_authenticated_users")).toBe(2);

    for (let i = 0; i < 5; i++) expect(await sender.sendText(conv, `m${i}`)).toMatchObject({ t: "ack" });
    await reader.waitForCount((f) => f.t === "msg", 5);
    const after = await scrape(server.url);
    const grew = (name: string, labels?: Record<string, string>) => metric(after, name, labels) - metric(before, name, labels);
    expect(grew("parley_messages_committed_total")).toBe(5);
    expect(grew("parley_commit_batch_size_sum")).toBe(5);
    expect(grew("parley_commit_seconds_count")).toBe(grew("parley_commit_batch_size_count"));
    expect(grew("parley_ack_seconds_count")).toBe(5);
    // each message: its sender's socket (the ack) and the reader's two devices
    expect(grew("parley_fanout_deliveries_total")).toBe(15);

    sockets.closeAll();
    for (let i = 0; i < 100 && metric(await scrape(server.url), "parley_ws_open_sockets") > 0; i++) await Bun.sleep(20);
    const closed = await scrape(server.url);
    expect(metric(closed, "parley_ws_open_sockets")).toBe(0);
    expect(metric(closed, "parley_ws_closes_total", { code: "1000", side: "client" }) - metric(before, "parley_ws_closes_total", { code: "1000", side: "client" })).toBe(3);
  });

  test("HTTP requests are counted by route pattern (not the raw path) and status; errors by code", async () => {
    const before = await scrape(server.url);
    await a.api.get(`/v1/conversations/${conv}`);
    await a.api.get(`/v1/conversations/no-such-conversation`);
    await call(server.url, "GET", "/no/such/route");
    await call(server.url, "POST", "/v1/auth/login", { raw: "{" });
    const after = await scrape(server.url);
    const grew = (name: string, labels: Record<string, string>) => metric(after, name, labels) - metric(before, name, labels);
    expect(grew("parley_http_requests_total", { method: "GET", route: "/v1/conversations/:id", status: "200" })).toBe(1);
    expect(grew("parley_http_requests_total", { method: "GET", route: "/v1/conversations/:id", status: "404" })).toBe(1);
    expect(grew("parley_http_requests_total", { method: "GET", route: "unmatched", status: "404" })).toBe(1);
    expect(grew("parley_http_requests_total", { method: "POST", route: "/v1/auth/login", status: "400" })).toBe(1);
    expect(grew("parley_errors_total", { code: "not_found", transport: "http" })).toBe(2);
    expect(grew("parley_errors_total", { code: "invalid_request", transport: "http" })).toBe(1);
    const routes = new Set(after.filter((s) => s.name === "parley_http_requests_total").map((s) => s.labels.route));
    expect([...routes].filter((r) => r!.includes(conv) || r!.includes("no-such"))).toEqual([]);
  });

  test("WebSocket errors are counted by code", async () => {
    const before = await scrape(server.url);
    const c = await sockets.hello(server.url, a.accessToken);
    c.sendRaw("not json");
    expect(await c.request({ t: "sync", conv: "no-such-conversation", after: 0 })).toMatchObject({ t: "error", code: "not_found" });
    const after = await scrape(server.url);
    const grew = (labels: Record<string, string>) => metric(after, "parley_errors_total", labels) - metric(before, "parley_errors_total", labels);
    expect(grew({ code: "invalid_request", transport: "ws" })).toBe(1);
    expect(grew({ code: "not_found", transport: "ws" })).toBe(1);
    sockets.closeAll();
  });
});
