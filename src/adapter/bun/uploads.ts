// Uploads on Bun: bytes on disk under DATA_DIR (default) or in an S3-compatible bucket, hashed by
// Bun's native SHA-256.
import type { Config } from "../../config.ts";
import type { ServiceDeps } from "../../core/services.ts";
import { uploadLimitsFrom } from "../../core/uploads.ts";
import { diskBlobs } from "./disk-blobs.ts";
import { s3Blobs } from "./s3-blobs.ts";

export async function bunUploads(config: Config, linkSecret: string): Promise<NonNullable<ServiceDeps["uploads"]>> {
  return {
    blobs: config.UPLOAD_STORE === "s3" ? s3Blobs(config) : await diskBlobs(config.DATA_DIR),
    sha256: () => {
      const hasher = new Bun.CryptoHasher("sha256");
      return { update: (bytes) => void hasher.update(bytes), hex: async () => hasher.digest("hex") };
    },
    limits: uploadLimitsFrom(config),
    linkSecret,
  };
}
