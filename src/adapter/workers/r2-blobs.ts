// Upload bytes in R2 (the binding UPLOADS; wrangler dev keeps a local one under --persist-to).
// R2 stores a stream only when its length is known: a body with a Content-Length goes through a
// FixedLengthStream in one put; a chunked one as a multipart upload of equal parts. Either way the
// object appears only once complete: a failed put stores nothing, a failed multipart is aborted.
import type { BlobStore } from "../../core/blobs.ts";

/** R2's smallest part; all parts but the last must have the same size. What a chunked upload holds in memory. */
const PART_BYTES = 5 * 1024 * 1024;

export function r2Blobs(bucket: R2Bucket): BlobStore {
  return {
    async put(key, body, size) {
      if (size === undefined) return putInParts(bucket, key, body);
      const fixed = new FixedLengthStream(size);
      await Promise.all([body.pipeTo(fixed.writable), bucket.put(key, fixed.readable)]);
    },
    async get(key, range) {
      const object = await bucket.get(key, range ? { range: { offset: range.start, length: range.end - range.start + 1 } } : undefined);
      return object?.body ?? null;
    },
    async delete(key) {
      await bucket.delete(key);
    },
  };
}

async function putInParts(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>): Promise<void> {
  const upload = await bucket.createMultipartUpload(key);
  try {
    const parts: R2UploadedPart[] = [];
    for await (const part of partsOf(body)) parts.push(await upload.uploadPart(parts.length + 1, part));
    await upload.complete(parts);
  } catch (err) {
    await upload.abort().catch(() => {});
    throw err;
  }
}

/** The stream cut into parts of PART_BYTES (the last one shorter). */
async function* partsOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  let part = new Uint8Array(PART_BYTES);
  let filled = 0;
  for await (const chunk of body) {
    for (let at = 0; at < chunk.byteLength; ) {
      const taken = Math.min(chunk.byteLength - at, PART_BYTES - filled);
      part.set(chunk.subarray(at, at + taken), filled);
      filled += taken;
      at += taken;
      if (filled === PART_BYTES) {
        yield part;
        part = new Uint8Array(PART_BYTES);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}
