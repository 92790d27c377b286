// Where the bytes of uploads live: a local directory, an S3-compatible bucket (Bun) or R2
// (Workers). Keys are upload ids. A blob is immutable once stored.

/** Bytes `start` to `end`, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /**
   * Stores `body` under `key`, all of it or nothing: until the stream has ended, nothing is
   * visible under `key` (a temp file renamed at the end, a multipart upload completed at the end),
   * and if the stream fails, what was written is removed and the promise rejects. Reads the
   * stream at the pace the storage takes it, never more than a few parts ahead.
   * `size`: the length, when the client declared it (some stores need it to stream).
   */
  put(key: string, body: ReadableStream<Uint8Array>, size?: number): Promise<void>;
  /**
   * The bytes of `key`, or of `range` of them. null when the store knows there is no such blob
   * (one that can only tell by reading fails the stream instead).
   */
  get(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null>;
  delete(key: string): Promise<void>;
}
