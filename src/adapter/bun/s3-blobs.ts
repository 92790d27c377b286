// Upload bytes in any S3-compatible bucket (UPLOAD_STORE=s3), through Bun's built-in S3 client.
// A body is streamed as a multipart upload, which S3 makes visible only when it completes: a
// failed or cut-off upload leaves no object (only, on some stores, the parts of an unfinished
// multipart upload, which a bucket lifecycle rule "abort incomplete multipart uploads" clears).
import type { Config } from "../../config.ts";
import type { BlobStore } from "../../core/blobs.ts";

/** Parts of 5 MiB (S3's smallest), one in flight: what an upload may hold in memory. */
const PART = { partSize: 5 * 1024 * 1024, queueSize: 1 };

export function s3Blobs(config: Config): BlobStore {
  if (!config.S3_BUCKET) throw new Error("invalid configuration: UPLOAD_STORE=s3 needs S3_BUCKET (and S3_ENDPOINT unless the store is AWS)");
  const client = new Bun.S3Client({
    endpoint: config.S3_ENDPOINT,
    bucket: config.S3_BUCKET,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    region: config.S3_REGION,
  });
  return {
    async put(key, body) {
      await client.write(key, new Response(body), PART);
    },
    async get(key, range) {
      const file = client.file(key);
      return (range ? file.slice(range.start, range.end + 1) : file).stream();
    },
    async delete(key) {
      await client.delete(key);
    },
  };
}
