// VAPID (RFC 8292): the server proves to push services that it is the one a subscription was made
// for, with an ES256 JWT signed by its key pair. The public key is what browsers subscribe with.
// Keys are spelled as web-push tools spell them: the public key as the 65-byte uncompressed P-256
// point, the private key as the 32-byte scalar, both base64url.
import { SignJWT } from "jose";
import { fromBase64url, toBase64url } from "./base64url.ts";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export interface Vapid {
  readonly publicKey: string;
  /** the Authorization header for a push service at `endpoint` */
  authorization(endpoint: string, now?: number): Promise<string>;
}

/** A fresh key pair (Bun writes it to DATA_DIR on first start). */
export async function generateVapidKeys(): Promise<VapidKeys> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const publicKey = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return { publicKey: toBase64url(publicKey), privateKey: jwk.d! };
}

/** How long a signed token is used (push services accept at most 24 h). */
const TOKEN_TTL_S = 12 * 3600;

/**
 * The signer of `keys`; `subject` is the contact push services may use (mailto: or https:).
 * Throws when the public key is not a P-256 point; the private key is imported on first use.
 */
export function vapid(keys: VapidKeys, subject: string): Vapid {
  const point = fromBase64url(keys.publicKey);
  if (!point || point.length !== 65 || point[0] !== 4) throw new Error("VAPID_PUBLIC_KEY is not a base64url uncompressed P-256 point (65 bytes)");
  const jwk = { kty: "EC", crv: "P-256", x: toBase64url(point.slice(1, 33)), y: toBase64url(point.slice(33)), d: keys.privateKey };
  let signing: Promise<CryptoKey> | undefined;
  // A token per push service, reused while it has more than an hour left.
  const tokens = new Map<string, { jwt: string; expires: number }>();
  return {
    publicKey: keys.publicKey,
    async authorization(endpoint, now = Date.now()) {
      const aud = new URL(endpoint).origin;
      let token = tokens.get(aud);
      if (!token || token.expires - now < 3_600_000) {
        signing ??= crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
        const exp = Math.floor(now / 1000) + TOKEN_TTL_S;
        const jwt = await new SignJWT({ sub: subject }).setProtectedHeader({ alg: "ES256", typ: "JWT" }).setAudience(aud).setExpirationTime(exp).sign(await signing);
        token = { jwt, expires: exp * 1000 };
        if (tokens.size > 100) tokens.clear();
        tokens.set(aud, token);
      }
      return `vapid t=${token.jwt}, k=${keys.publicKey}`;
    },
  };
}
