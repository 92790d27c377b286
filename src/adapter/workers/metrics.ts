// The metrics port (src/core/metrics.ts) on Workers Analytics Engine. A Worker has no process to
// scrape: its figures are spread over many isolates and Durable Objects (one per conversation,
// user and bot), and prom-client needs Node's built-ins. So every count, observation and gauge
// reading becomes one data point in the dataset bound as METRICS (wrangler.toml), written where
// it happens; Cloudflare aggregates them (SQL API, Grafana), sampling heavy series itself.
//
// One data point: index1 = the metric's name (the sampling key), blob1 = what wrote it
// ("worker", "conversation", "user", "bot"), blob2… = the metric's label values in the order its
// definition names them, double1 = the amount (a counter's increment, an observation, a gauge's
// value). README "Operations" shows the queries.
import { counters, type CounterName, type GaugeName, type HistogramName, type Labels, type Metrics } from "../../core/metrics.ts";

/** Where the figures come from: each kind of entry point counts as one source. */
export type MetricsSource = "worker" | "conversation" | "user" | "bot";

/** Analytics Engine's data point and dataset, as far as they are used (so the layout is testable outside workerd). */
export interface DataPoint {
  indexes: string[];
  blobs: string[];
  doubles: number[];
}
export interface Dataset {
  writeDataPoint(point: DataPoint): void;
}

const labelNames = (name: CounterName | HistogramName | GaugeName): readonly string[] => {
  const def = (counters as Record<string, { labels?: readonly string[] }>)[name];
  return def?.labels ?? [];
};

/** The data point of one reading (exported for its unit test). */
export function dataPoint(source: MetricsSource, name: CounterName | HistogramName | GaugeName, value: number, labels: Labels = {}): DataPoint {
  return { indexes: [name], blobs: [source, ...labelNames(name).map((label) => labels[label] ?? "")], doubles: [value] };
}

export function analyticsEngineMetrics(dataset: Dataset, source: MetricsSource): Metrics {
  const write = (point: DataPoint) => {
    try {
      dataset.writeDataPoint(point);
    } catch {
      // a figure is never worth failing the request that produced it
    }
  };
  return {
    inc: (name, labels, by = 1) => write(dataPoint(source, name, by, labels)),
    observe: (name, value, labels) => write(dataPoint(source, name, value, labels)),
    set: (name, value) => write(dataPoint(source, name, value)),
  };
}
