// The Workers metrics adapter: each reading becomes one Analytics Engine data point laid out as
// README "Operations" documents (index = name, blob1 = source, blobs = labels in catalogue order,
// double1 = amount). The dataset here records what it is given; under wrangler dev the real
// binding accepts writes and keeps none (the whole workers suite runs with it bound).
import { describe, expect, test } from "bun:test";
import { analyticsEngineMetrics, dataPoint, type DataPoint } from "../../src/adapter/workers/metrics.ts";

describe("Workers metrics as Analytics Engine data points", () => {
  test("counters, with their labels in the catalogue's order; histograms and gauges", () => {
    const points: DataPoint[] = [];
    const metrics = analyticsEngineMetrics({ writeDataPoint: (p) => void points.push(p) }, "worker");
    metrics.inc("parley_http_requests_total", { status: "201", route: "/v1/conversations/:id/messages", method: "POST" });
    metrics.inc("parley_messages_committed_total", undefined, 7);
    metrics.observe("parley_commit_seconds", 0.004);
    metrics.set("parley_ws_open_sockets", 3);
    expect(points).toEqual([
      { indexes: ["parley_http_requests_total"], blobs: ["worker", "POST", "/v1/conversations/:id/messages", "201"], doubles: [1] },
      { indexes: ["parley_messages_committed_total"], blobs: ["worker"], doubles: [7] },
      { indexes: ["parley_commit_seconds"], blobs: ["worker"], doubles: [0.004] },
      { indexes: ["parley_ws_open_sockets"], blobs: ["worker"], doubles: [3] },
    ]);
  });

  test("a missing label is written empty, never shifted", () => {
    expect(dataPoint("conversation", "parley_ws_closes_total", 1, { side: "client" }).blobs).toEqual(["conversation", "", "client"]);
  });

  test("a dataset that throws does not fail what was counted", () => {
    const metrics = analyticsEngineMetrics({ writeDataPoint: () => { throw new Error("over the limit"); } }, "user");
    expect(() => metrics.inc("parley_fanout_deliveries_total", undefined, 2)).not.toThrow();
  });
});
