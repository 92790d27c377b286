// Uploads as stored: one row per file whose bytes were stored whole (the bytes themselves live in
// a BlobStore, src/core/blobs.ts, under the upload's id).

export interface UploadRecord {
  id: string;
  /** the uploader */
  owner: string;
  name: string;
  size: number;
  /** sniffed from the bytes (src/core/upload-content.ts) */
  mime: string;
  sha256: string;
  width?: number;
  height?: number;
  createdAt: number;
}

export interface UploadStore {
  insertUpload(upload: UploadRecord): Promise<void>;
  uploadById(id: string): Promise<UploadRecord | null>;
  /** The bytes `owner` uploaded since `since` (ms), for the daily quota. */
  bytesUploadedSince(owner: string, since: number): Promise<number>;
}
