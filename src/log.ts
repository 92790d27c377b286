// Structured logging (LogTape). JSON lines by default: what log collectors read. `pretty` prints
// one short line per record for a person at a terminal (`npm run dev`). Runtime entries call
// setupLogging once; the Workers build keeps the default.
import {
  configure,
  getAnsiColorFormatter,
  getConsoleSink,
  getLogger,
  getTextFormatter,
  jsonLinesFormatter,
  type LogLevel,
  type TextFormatter,
  type TextFormatterOptions,
} from "@logtape/logtape";
import type { Config } from "./config.ts";

export type LogFormat = NonNullable<Config["LOG_FORMAT"]>;

export const log = (area: string) => getLogger(["parley", area]);

/** LOG_FORMAT unset: pretty on a terminal outside production, JSON lines everywhere else. */
export const defaultLogFormat = (env: { NODE_ENV?: string }, terminal: boolean): LogFormat =>
  terminal && env.NODE_ENV !== "production" ? "pretty" : "json";

/**
 * `12:34:56.789 INF http: GET /v1/me 200 1.2 ms [<request id>]`: local time, level, the area,
 * the message, and the request id of records that have one, to find the request's other lines.
 */
function prettyFormatter(colors: boolean): TextFormatter {
  const options: TextFormatterOptions = {
    timestamp: "time",
    timeZone: null,
    value: "bare",
    category: (category) => category.at(-1) ?? "",
    format: ({ timestamp, level, category, message, record }) => {
      const requestId = record.properties.requestId;
      return `${timestamp} ${level} ${category}: ${message}${typeof requestId === "string" ? ` [${requestId}]` : ""}`;
    },
  };
  return colors ? getAnsiColorFormatter(options) : getTextFormatter(options);
}

/** `colors`: ANSI colors in pretty lines (for a terminal, not a file). */
export async function setupLogging(level: LogLevel = "info", format: LogFormat = "json", colors = false): Promise<void> {
  const formatter = format === "pretty" ? prettyFormatter(colors) : jsonLinesFormatter;
  await configure({
    reset: true,
    sinks: { console: getConsoleSink({ formatter }) },
    loggers: [
      { category: ["parley"], lowestLevel: level, sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}
