// The body of an upload on its way to storage: counted (stopped the moment it passes its limit,
// without reading the rest), hashed, and its first bytes kept for sniffing. Pull-based, so it
// reads the client only as fast as the storage takes the bytes: nothing piles up in memory.
import { AppError, invalid } from "./errors.ts";
import type { Sha256 } from "./ports.ts";

export interface MeterLimits {
  /** the most bytes accepted */
  maxBytes: number;
  /** the error for a body over maxBytes */
  overLimit: () => AppError;
  /** the Content-Length the client declared, if any: a body of another length is refused */
  declared?: number;
  /** how many bytes of the start to keep */
  headBytes: number;
}

export class UploadMeter {
  bytes = 0;
  /** why the meter stopped the body (over its limit, empty, not the length declared) */
  refusal?: AppError;
  /** the client's body failed (the client went away mid-upload) */
  sourceFailed = false;
  readonly stream: ReadableStream<Uint8Array>;
  readonly #head: Uint8Array[] = [];
  #headLength = 0;

  constructor(source: ReadableStream<Uint8Array>, limits: MeterLimits, hash: Sha256) {
    const reader = source.getReader();
    const refuse = async (error: AppError) => {
      this.refusal = error;
      await reader.cancel(error).catch(() => {});
      throw error;
    };
    this.stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const chunk = await reader.read().catch((err: unknown) => {
            this.sourceFailed = true;
            throw err;
          });
          if (chunk.done) {
            if (this.bytes === 0) return refuse(invalid("the upload is empty"));
            if (limits.declared !== undefined && this.bytes !== limits.declared) {
              return refuse(invalid(`the body has ${this.bytes} bytes, its Content-Length said ${limits.declared}`));
            }
            return controller.close();
          }
          const bytes = chunk.value;
          this.bytes += bytes.byteLength;
          if (this.bytes > limits.maxBytes) return refuse(limits.overLimit());
          hash.update(bytes);
          if (this.#headLength < limits.headBytes) {
            const kept = bytes.subarray(0, limits.headBytes - this.#headLength);
            this.#head.push(kept.slice()); // a copy: the runtime may reuse the chunk's memory
            this.#headLength += kept.byteLength;
          }
          controller.enqueue(bytes);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  }

  /** The first `headBytes` bytes (fewer if the body was shorter). */
  head(): Uint8Array {
    const head = new Uint8Array(this.#headLength);
    let at = 0;
    for (const part of this.#head) {
      head.set(part, at);
      at += part.byteLength;
    }
    return head;
  }
}
