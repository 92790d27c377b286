// Signed download links: GET /v1/uploads/:id?u=<user>&exp=<ms>&sig=<signature>, for an
// `<img src>`, which cannot send an Authorization header. A link names the user it was issued to,
// and the download still asks whether that user may read the upload, so a link stops working when
// its user loses access (a recall), not only when it expires.
import type { Clock } from "./ports.ts";

/** How long a link works. */
export const LINK_TTL_MS = 60 * 60 * 1000;

export interface LinkParams {
  u?: string;
  exp?: string;
  sig?: string;
}

const base64url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const encoder = new TextEncoder();
const hmacKey = (raw: BufferSource) => crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
const signed = (uploadId: string, userId: string, exp: string) => encoder.encode(`${uploadId}\n${userId}\n${exp}`);

export class UploadLinks {
  readonly #key: Promise<CryptoKey>;

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    // A key of its own, derived from the token secret: no link can pass for a token or the other way round.
    this.#key = hmacKey(encoder.encode(secret)).then(async (master) =>
      hmacKey(await crypto.subtle.sign("HMAC", master, encoder.encode("parley upload links v1"))),
    );
  }

  async sign(uploadId: string, userId: string): Promise<{ url: string; expiresAt: number }> {
    const expiresAt = this.clock.now() + LINK_TTL_MS;
    const sig = base64url(await crypto.subtle.sign("HMAC", await this.#key, signed(uploadId, userId, String(expiresAt))));
    const query = new URLSearchParams({ u: userId, exp: String(expiresAt), sig });
    return { url: `/v1/uploads/${encodeURIComponent(uploadId)}?${query}`, expiresAt };
  }

  /** The user a valid, unexpired link of `uploadId` was issued to; null for anything else. */
  async verify(uploadId: string, { u, exp, sig }: LinkParams): Promise<string | null> {
    if (!u || !exp || !sig || Number(exp) <= this.clock.now()) return null;
    const signature = fromBase64url(sig);
    if (!signature) return null;
    const valid = await crypto.subtle.verify("HMAC", await this.#key, signature, signed(uploadId, u, exp));
    return valid ? u : null;
  }
}
