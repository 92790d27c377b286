// The parameters of a Telegram Bot API call, however the client sent them: the query string, and
// a JSON, form (application/x-www-form-urlencoded) or multipart body, gzip-compressed or not
// (telegraf on Bun compresses). Bounded before and after decompression.
import { AppError, invalid } from "../../core/errors.ts";
import { LONE_SURROGATE_MESSAGE, wellFormedJson } from "../../schema/text.ts";

/** The largest body a method call may have, compressed or not (files are not supported). */
export const MAX_PARAMS_BYTES = 256 * 1024;

export async function telegramParams(req: Request): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = Object.fromEntries(new URL(req.url).searchParams);
  if (!req.body) return params;
  const encoding = req.headers.get("Content-Encoding")?.toLowerCase();
  if (encoding && encoding !== "gzip" && encoding !== "identity") throw invalid(`unsupported Content-Encoding ${encoding}`);
  const stream = encoding === "gzip" ? req.body.pipeThrough(new DecompressionStream("gzip")) : req.body;
  const bytes = await readAtMost(stream, MAX_PARAMS_BYTES);
  if (bytes.byteLength === 0) return params;
  const type = req.headers.get("Content-Type")?.toLowerCase() ?? "";
  if (type.includes("json")) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw invalid("the body is not valid JSON");
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw invalid("the body must be a JSON object");
    if (!wellFormedJson(json)) throw invalid(LONE_SURROGATE_MESSAGE);
    return { ...params, ...json };
  }
  if (type.includes("application/x-www-form-urlencoded")) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(new TextDecoder().decode(bytes))) };
  }
  if (type.includes("multipart/form-data")) {
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { "Content-Type": req.headers.get("Content-Type")! } }).formData();
    } catch {
      throw invalid("the multipart body could not be read");
    }
    for (const [key, value] of form) if (typeof value === "string") params[key] = value;
    return params;
  }
  throw invalid("send parameters as JSON, a form or multipart");
}

async function readAtMost(stream: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel();
        throw new AppError("payload_too_large", "request body is too large");
      }
      parts.push(value);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid("the body could not be read (a broken gzip stream?)");
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
