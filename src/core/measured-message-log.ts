// The message log with its commits measured: every appendEntries() is one group-commit
// transaction (src/core/log-writer.ts), so its size and duration are the commit batch's. A wrapper
// rather than code in the commit path: the runtime that exports metrics wraps its store.
import { secondsSince, type Metrics } from "./metrics.ts";
import type { MessageLog } from "./store/message-log.ts";

export function measuredMessageLog(log: MessageLog, metrics: Metrics): MessageLog {
  const appendEntries: MessageLog["appendEntries"] = async (batch) => {
    const started = performance.now();
    const results = await log.appendEntries(batch);
    metrics.observe("parley_commit_seconds", secondsSince(started));
    metrics.observe("parley_commit_batch_size", batch.length);
    metrics.inc("parley_messages_committed_total", undefined, results.filter((r) => r?.created).length);
    return results;
  };
  return withAppendEntries(log, appendEntries);
}

/** The log with another appendEntries (one around the log's own); every other method is the log's own, whatever methods it gains later. */
export function withAppendEntries(log: MessageLog, appendEntries: MessageLog["appendEntries"]): MessageLog {
  return new Proxy(log, {
    get(target, key) {
      if (key === "appendEntries") return appendEntries;
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
