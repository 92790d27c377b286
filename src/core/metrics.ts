// The metrics port: what the domain, the realtime layer and the HTTP app count and time, by
// name. Runtime-free: the adapters implement it with a metrics library (src/metrics/) or
// whatever their runtime offers, and nothing here knows how the figures are exported.
//
// Every label takes values from a small fixed set (a route pattern, an error code, a close
// code), never from what a client sends: one series per value, so the number of series is bounded.

type Definition = { help: string; labels?: readonly string[] };

export const counters = {
  parley_messages_committed_total: { help: "Messages committed to a conversation's log (new ones, not idempotent repeats)" },
  parley_fanout_deliveries_total: { help: "Committed messages handed to a socket (one per recipient socket)" },
  parley_ws_closes_total: { help: "WebSocket closes, by close code and by the side that closed", labels: ["code", "side"] },
  parley_http_requests_total: { help: "HTTP requests, by method, route pattern and status", labels: ["method", "route", "status"] },
  parley_errors_total: { help: "Error answers, by contract error code and transport", labels: ["code", "transport"] },
  parley_webhook_deliveries_total: {
    help: "Webhook calls, by outcome: delivered (2xx), retried (will be tried again), failed (retry window over: listed in failures)",
    labels: ["result"],
  },
  parley_push_deliveries_total: {
    help: "Push notifications to devices, by outcome: delivered (the push service took it), gone (404/410: subscription deleted), failed, dropped (too many waiting)",
    labels: ["result"],
  },
} as const satisfies Record<string, Definition>;

export const histograms = {
  parley_commit_batch_size: {
    help: "Messages per group-commit transaction",
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
  },
  parley_commit_seconds: {
    help: "Duration of one group-commit transaction",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  },
  parley_ack_seconds: {
    help: "From a send frame's arrival to its ack leaving (after the durable commit)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  },
} as const satisfies Record<string, Definition & { buckets: readonly number[] }>;

export const gauges = {
  parley_ws_open_sockets: { help: "WebSockets open (authenticated or not)" },
  parley_ws_authenticated_users: { help: "Users with at least one authenticated socket" },
  parley_ws_queued_bytes: { help: "Bytes queued for all sockets that the network has not taken yet" },
  parley_ws_queued_bytes_peak: { help: "The most bytes ever queued for one socket (bounded by MAX_BUFFERED_BYTES)" },
} as const satisfies Record<string, Definition>;

export type CounterName = keyof typeof counters;
export type HistogramName = keyof typeof histograms;
export type GaugeName = keyof typeof gauges;
export type Labels = Record<string, string>;

export interface Metrics {
  /** adds `by` (default 1) to a counter */
  inc(name: CounterName, labels?: Labels, by?: number): void;
  /** one observation (seconds for durations) */
  observe(name: HistogramName, value: number, labels?: Labels): void;
  set(name: GaugeName, value: number): void;
}

/** For runtimes and tests that export nothing. */
export const noMetrics: Metrics = { inc() {}, observe() {}, set() {} };

/** Seconds since `startedMs` (a performance.now() reading). */
export const secondsSince = (startedMs: number): number => (performance.now() - startedMs) / 1000;
