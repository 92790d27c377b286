// Small helpers on WebSocket frames shared by the Worker's socket proxy and the user objects.

const encoder = new TextEncoder();

/** Whether a text frame is over `limit` bytes (UTF-8). */
export function tooBig(text: string, limit: number): boolean {
  if (text.length * 3 <= limit) return false; // cannot be: at most 3 bytes per UTF-16 unit
  return text.length > limit || encoder.encode(text).byteLength > limit;
}

/**
 * A close code one may send: 1005, 1006 and 1015 only describe what happened (no code, an
 * abnormal end, TLS) and cannot be sent; they become `otherwise`.
 */
export const closeCode = (code: number, otherwise = 1000): number =>
  code === 1005 || code === 1006 || code === 1015 || !code ? otherwise : code;
