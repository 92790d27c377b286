// Uploads on Workers: bytes in the R2 binding UPLOADS, hashed by the runtime's DigestStream.
// Without the binding, the /v1/uploads routes answer 501.
import type { Config } from "../../config.ts";
import type { ServiceDeps } from "../../core/services.ts";
import { uploadLimitsFrom } from "../../core/uploads.ts";
import type { Env } from "./env.ts";
import { r2Blobs } from "./r2-blobs.ts";

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

export function workersUploads(env: Env, config: Config, linkSecret: string): ServiceDeps["uploads"] {
  if (!env.UPLOADS) return undefined;
  return {
    blobs: r2Blobs(env.UPLOADS),
    sha256: () => {
      const digest = new crypto.DigestStream("SHA-256");
      const writer = digest.getWriter();
      let failed: unknown;
      return {
        // Writes are queued in order; a failure surfaces in hex().
        update: (bytes) => void writer.write(bytes).catch((err: unknown) => (failed ??= err)),
        hex: async () => {
          await writer.close();
          if (failed) throw failed;
          return hex(await digest.digest);
        },
      };
    },
    limits: uploadLimitsFrom(config),
    linkSecret,
  };
}
