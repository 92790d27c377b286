// Uploads: files stored whole or not at all, read back by whoever may read them.
//
// Who may read an upload: its uploader, and whoever `canRead` says (the message path decides:
// a member who may read an entry referencing the upload, until the only such entry is recalled).
// Everyone else is told it does not exist.
import type { Config } from "../config.ts";
import type { BlobStore, ByteRange } from "./blobs.ts";
import { AppError, invalid, notFound } from "./errors.ts";
import type { Clock, Sha256 } from "./ports.ts";
import { newId } from "./random.ts";
import type { UploadRecord, UploadStore } from "./store/uploads.ts";
import { HEAD_BYTES, safeName, sniff } from "./upload-content.ts";
import { UploadLinks, type LinkParams } from "./upload-links.ts";
import { UploadMeter } from "./upload-meter.ts";

export interface UploadLimits {
  /** the largest upload, bytes (MAX_UPLOAD_BYTES) */
  maxBytes: number;
  /** uploads of one user at the same time, per process (Bun) or isolate (Workers) */
  inFlightPerUser: number;
  /** bytes one user may upload per UTC day; 0: no quota */
  bytesPerDay: number;
}

/**
 * Whether `userId`, who did not upload it, may read `upload`. Asked on every download (and for
 * every signed link), so that a lost right takes effect at once.
 */
export type UploadReadRule = (userId: string, upload: UploadRecord) => Promise<boolean>;
/** Until the message path plugs in its rule: nobody but the uploader. */
export const uploaderOnly: UploadReadRule = async () => false;

export interface UploadDeps {
  store: UploadStore;
  blobs: BlobStore;
  sha256: () => Sha256;
  clock: Clock;
  limits: UploadLimits;
  /** the secret signed links are derived from (the JWT secret) */
  linkSecret: string;
  canRead?: UploadReadRule;
}

export interface OpenedUpload {
  upload: UploadRecord;
  /** the bytes, or `range` of them */
  read(range?: ByteRange): Promise<ReadableStream<Uint8Array>>;
}

const DAY_MS = 86_400_000;

export class Uploads {
  readonly #inFlight = new Map<string, number>();
  readonly #links: UploadLinks;
  readonly #canRead: UploadReadRule;

  constructor(private readonly deps: UploadDeps) {
    this.#links = new UploadLinks(deps.linkSecret, deps.clock);
    this.#canRead = deps.canRead ?? uploaderOnly;
  }

  /**
   * Streams `body` to storage and records it. `size` is the Content-Length when the client sent
   * one: checked before a byte is read, and the body must match it. What the client says the type
   * is does not count: the bytes are sniffed.
   */
  async create(owner: string, name: string, body: ReadableStream<Uint8Array>, size?: number): Promise<UploadRecord> {
    const { limits, blobs, store, clock } = this.deps;
    const safe = safeName(name);
    if (!safe) throw invalid("request failed validation", [{ field: "name", message: "no usable file name" }]);
    if (size !== undefined && size > limits.maxBytes) throw tooLarge(limits.maxBytes);
    if (size === 0) throw invalid("the upload is empty");
    const release = this.#enter(owner);
    try {
      const quotaLeft = await this.#quotaLeft(owner, size ?? 0);
      const hash = this.deps.sha256();
      const meter = new UploadMeter(
        body,
        {
          maxBytes: Math.min(limits.maxBytes, quotaLeft),
          overLimit: () => (quotaLeft < limits.maxBytes ? this.#quotaUsedUp() : tooLarge(limits.maxBytes)),
          declared: size,
          headBytes: HEAD_BYTES,
        },
        hash,
      );
      const id = newId(clock.now());
      try {
        await blobs.put(id, meter.stream, size);
      } catch (err) {
        if (meter.refusal) throw meter.refusal;
        if (meter.sourceFailed) throw invalid("the upload was cut short");
        throw err;
      }
      const upload: UploadRecord = { id, owner, name: safe, size: meter.bytes, ...(await sniff(meter.head())), sha256: await hash.hex(), createdAt: clock.now() };
      try {
        await store.insertUpload(upload);
      } catch (err) {
        await blobs.delete(id).catch(() => {});
        throw err;
      }
      return upload;
    } finally {
      release();
    }
  }

  /** The upload `id` and its bytes, if `userId` may read it; not_found otherwise. */
  async open(userId: string, id: string): Promise<OpenedUpload> {
    const upload = await this.#readable(userId, id);
    return {
      upload,
      read: async (range) => {
        const body = await this.deps.blobs.get(id, range);
        if (!body) throw new AppError("internal", `the bytes of upload ${id} are missing from storage`);
        return body;
      },
    };
  }

  /**
   * The upload `id` of `owner`, for a message that refers to it (`file` / `image` bodies):
   * invalid_request when there is no such upload or someone else uploaded it.
   */
  async describe(owner: string, id: string): Promise<UploadRecord> {
    const upload = await this.deps.store.uploadById(id);
    if (!upload || upload.owner !== owner) throw invalid("request failed validation", [{ field: "body.upload", message: "no upload of yours with this id" }]);
    return upload;
  }

  /** A signed download link of `id` for `userId`, who must be able to read it. */
  async link(userId: string, id: string): Promise<{ url: string; expiresAt: number }> {
    await this.#readable(userId, id);
    return this.#links.sign(id, userId);
  }

  /** The upload a signed link points to, if the link is valid and its user may still read it. */
  async openLink(id: string, params: LinkParams): Promise<OpenedUpload> {
    const userId = await this.#links.verify(id, params);
    if (!userId) throw new AppError("unauthorized", "the link is invalid or expired");
    return this.open(userId, id);
  }

  async #readable(userId: string, id: string): Promise<UploadRecord> {
    const upload = await this.deps.store.uploadById(id);
    if (upload && (upload.owner === userId || (await this.#canRead(userId, upload)))) return upload;
    throw notFound("upload");
  }

  /** Takes one of `owner`'s in-flight places; the returned function gives it back. */
  #enter(owner: string): () => void {
    const { inFlightPerUser } = this.deps.limits;
    const busy = this.#inFlight.get(owner) ?? 0;
    if (busy >= inFlightPerUser) throw new AppError("rate_limited", `at most ${inFlightPerUser} uploads at once`, { retryAfter: 1 });
    this.#inFlight.set(owner, busy + 1);
    return () => {
      const left = (this.#inFlight.get(owner) ?? 1) - 1;
      if (left === 0) this.#inFlight.delete(owner);
      else this.#inFlight.set(owner, left);
    };
  }

  /** The bytes `owner` may still upload today (Infinity without a quota); rate_limited if fewer than `size`. */
  async #quotaLeft(owner: string, size: number): Promise<number> {
    const { bytesPerDay } = this.deps.limits;
    if (bytesPerDay === 0) return Infinity;
    const left = bytesPerDay - (await this.deps.store.bytesUploadedSince(owner, dayStart(this.deps.clock.now())));
    if (left <= 0 || size > left) throw this.#quotaUsedUp();
    return left;
  }

  #quotaUsedUp(): AppError {
    const now = this.deps.clock.now();
    const retryAfter = Math.ceil((dayStart(now) + DAY_MS - now) / 1000);
    return new AppError("rate_limited", `the daily upload quota of ${this.deps.limits.bytesPerDay} bytes is used up`, { retryAfter });
  }
}

const dayStart = (now: number) => now - (now % DAY_MS);
const tooLarge = (maxBytes: number) => new AppError("payload_too_large", `uploads are limited to ${maxBytes} bytes`, { maxBytes });

export const uploadLimitsFrom = (config: Config): UploadLimits => ({
  maxBytes: config.MAX_UPLOAD_BYTES,
  inFlightPerUser: config.UPLOADS_IN_FLIGHT_PER_USER,
  bytesPerDay: config.UPLOAD_BYTES_PER_DAY,
});
