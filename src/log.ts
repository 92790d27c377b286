// Structured logging (LogTape): one JSON object per line. Runtime entries call setupLogging once.
import { configure, getConsoleSink, getLogger, jsonLinesFormatter, type LogLevel } from "@logtape/logtape";

export const log = (area: string) => getLogger(["parley", area]);

export async function setupLogging(level: LogLevel = "info"): Promise<void> {
  await configure({
    reset: true,
    sinks: { console: getConsoleSink({ formatter: jsonLinesFormatter }) },
    loggers: [
      { category: ["parley"], lowestLevel: level, sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}
