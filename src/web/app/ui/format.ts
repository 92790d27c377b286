// Times as people read them, in the browser's language. `now` ticks so "5 min ago" stays true.
import { signal } from "@preact/signals";

export const now = signal(Date.now());
setInterval(() => (now.value = Date.now()), 30_000);

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

const sameDay = (a: number, b: number) => new Date(a).toDateString() === new Date(b).toDateString();

/** 14:05 today, 3 Nov before. */
export const shortTime = (ts: number): string => (sameDay(ts, now.value) ? clockFormat.format(ts) : dayFormat.format(ts));
export const clock = (ts: number): string => clockFormat.format(ts);
export const fullTime = (ts: number): string => fullFormat.format(ts);

/** "last seen just now / 5 min ago / today at 14:05 / on 3 Nov". */
export function lastSeen(ts: number | null): string {
  if (ts === null) return "offline";
  const minutes = Math.floor((now.value - ts) / 60_000);
  if (minutes < 1) return "last seen just now";
  if (minutes < 60) return `last seen ${minutes} min ago`;
  return sameDay(ts, now.value) ? `last seen today at ${clock(ts)}` : `last seen on ${dayFormat.format(ts)}`;
}

/** "512 B", "12.3 KB", "4.5 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1024 ** 2 ? [bytes / 1024, "KB"] : bytes < 1024 ** 3 ? [bytes / 1024 ** 2, "MB"] : [bytes / 1024 ** 3, "GB"];
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** A span of seconds in words: "2 minutes", "2 days". */
export function duration(seconds: number): string {
  const [value, unit] = seconds < 120 ? [seconds, "second"] : seconds < 7200 ? [seconds / 60, "minute"] : seconds < 172800 ? [seconds / 3600, "hour"] : [seconds / 86400, "day"];
  const n = Math.round(value);
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}
