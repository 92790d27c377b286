// How a stored file goes out: the Range it asks for, and headers that keep a browser from ever
// running it in Parley's origin (PROTOCOL.md "Uploads").
import type { ByteRange } from "../core/blobs.ts";
import type { UploadRecord } from "../core/store/uploads.ts";
import { isInlineImage } from "../core/upload-content.ts";

/**
 * The bytes a `Range` header asks for: a single `bytes=` range (RFC 9110 §14.1.2), or
 * "unsatisfiable" when it starts past the end. A header that is absent, malformed or asks for
 * several ranges is ignored (the whole file is sent), as the RFC allows.
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  const m = header && /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    return suffix === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? Infinity : Number(m[2]);
  if (end < start) return undefined;
  return start >= size ? "unsatisfiable" : { start, end: Math.min(end, size - 1) };
}

/** RFC 6266: a plain-ASCII fallback name, and the exact one RFC 5987-encoded. */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/** The headers of a download of `upload` (`range` of it, if given). */
export function downloadHeaders(upload: UploadRecord, range?: ByteRange): Record<string, string> {
  return {
    "Content-Type": upload.mime,
    "Content-Length": String(range ? range.end - range.start + 1 : upload.size),
    ...(range ? { "Content-Range": `bytes ${range.start}-${range.end}/${upload.size}` } : {}),
    "Accept-Ranges": "bytes",
    ETag: `"${upload.sha256}"`,
    // Only proven images are shown in the page; anything else is saved, never rendered.
    "Content-Disposition": contentDisposition(isInlineImage(upload.mime) ? "inline" : "attachment", upload.name),
    // Opened directly anyway, a file can run nothing and reach nothing.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    // An upload never changes; a private cache (the browser's) may keep it for a while.
    "Cache-Control": "private, max-age=3600",
  };
}
