// The metrics port (src/core/metrics.ts) on prom-client, for GET /metrics on Bun: one registry
// per server, every metric of the port's catalogue registered up front (so a scrape shows them
// all, at zero, before anything happened), plus prom-client's process metrics (RSS, open file
// descriptors, CPU, event-loop lag). prom-client needs Node's built-ins, hence Bun only.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { counters, gauges, histograms, type Metrics } from "../../core/metrics.ts";

export interface PrometheusMetrics extends Metrics {
  readonly contentType: string;
  /** the exposition text; `beforeScrape` sets the gauges that are read, not counted */
  render(): Promise<string>;
}

export function prometheusMetrics(beforeScrape: (metrics: Metrics) => void = () => {}): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counterOf = new Map<string, Counter>();
  const histogramOf = new Map<string, Histogram>();
  const gaugeOf = new Map<string, Gauge>();
  for (const [name, def] of Object.entries(counters)) {
    counterOf.set(name, new Counter({ name, help: def.help, labelNames: "labels" in def ? [...def.labels] : [], registers: [registry] }));
  }
  for (const [name, def] of Object.entries(histograms)) {
    histogramOf.set(name, new Histogram({ name, help: def.help, buckets: [...def.buckets], registers: [registry] }));
  }
  for (const [name, def] of Object.entries(gauges)) gaugeOf.set(name, new Gauge({ name, help: def.help, registers: [registry] }));

  const metrics: PrometheusMetrics = {
    contentType: registry.contentType,
    // Without labels, prom-client's own unlabelled forms: no label set to hash on every call
    // (a send counts and times itself several times).
    inc: (name, labels, by = 1) => (labels ? counterOf.get(name)!.inc(labels, by) : counterOf.get(name)!.inc(by)),
    observe: (name, value, labels) => (labels ? histogramOf.get(name)!.observe(labels, value) : histogramOf.get(name)!.observe(value)),
    set: (name, value) => gaugeOf.get(name)!.set(value),
    render: () => {
      beforeScrape(metrics);
      return registry.metrics();
    },
  };
  return metrics;
}
