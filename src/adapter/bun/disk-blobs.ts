// Upload bytes as files under DATA_DIR/uploads (the default on Bun). A file is written under
// .tmp/ and renamed into place only once whole, so a failed or cut-off upload never leaves a
// file where a blob is looked for; temp files a crash left behind are removed at the next start.
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { BlobStore, ByteRange } from "../../core/blobs.ts";
import { randomToken } from "../../core/random.ts";

/** Written bytes between two hints to the garbage collector (see put). */
const COLLECT_EVERY_BYTES = 16 * 1024 * 1024;

/** A temp file older than this belongs to no upload still running: left by a crash. */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

export async function diskBlobs(dataDir: string): Promise<BlobStore> {
  const root = join(dataDir, "uploads");
  const temp = join(root, ".tmp");
  await mkdir(temp, { recursive: true, mode: 0o700 });
  await removeStaleTemps(temp);
  // Upload ids are UUIDv7: their last two hex digits are random, so they spread files over 256 folders.
  const path = (key: string) => join(root, key.slice(-2), key);

  return {
    async put(key, body) {
      const tempFile = join(temp, randomToken(12));
      const file = await open(tempFile, "wx", 0o600);
      const reader = body.getReader();
      try {
        let sinceCollect = 0;
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          await file.write(chunk.value);
          // The body's chunks are garbage once written; a fast client fills the heap with them
          // faster than the collector's own pace. A hint every few MB keeps an upload's memory flat.
          sinceCollect += chunk.value.byteLength;
          if (sinceCollect >= COLLECT_EVERY_BYTES) {
            sinceCollect = 0;
            Bun.gc(false);
          }
        }
        await file.close();
        await mkdir(join(path(key), ".."), { recursive: true, mode: 0o700 });
        await rename(tempFile, path(key));
      } catch (err) {
        await reader.cancel(err).catch(() => {});
        await file.close().catch(() => {}); // already closed if the rename failed
        await rm(tempFile, { force: true });
        throw err;
      }
    },
    async get(key, range?: ByteRange) {
      const file = Bun.file(path(key));
      if (!(await file.exists())) return null;
      return (range ? file.slice(range.start, range.end + 1) : file).stream();
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}

async function removeStaleTemps(temp: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(temp)) {
    const file = join(temp, name);
    const info = await stat(file).catch(() => null);
    if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
  }
}
