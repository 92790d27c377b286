// Message encryption for Web Push (RFC 8291) in the aes128gcm content coding (RFC 8188), with Web
// Crypto only (Bun and workerd alike): an ephemeral ECDH key per message, HKDF with the device's
// auth secret, one AES-128-GCM record. Checked against an independent decryption (node:crypto) in
// test/support/push-receiver.ts.
import { fromBase64url } from "./base64url.ts";

/** One record holds the whole payload; push services accept bodies up to 4096 bytes. */
const RECORD_SIZE = 4096;
export const MAX_PLAINTEXT = RECORD_SIZE - 16 /* tag */ - 1 /* delimiter */ - 86 /* header */;

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(new TextEncoder().encode(text));

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function hkdf(salt: Uint8Array<ArrayBuffer>, ikm: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

/** The request body for a device whose keys are `p256dh` and `auth` (base64url). Throws on bad keys. */
export async function encryptPayload(plaintext: Uint8Array, keys: { p256dh: string; auth: string }): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length > MAX_PLAINTEXT) throw new RangeError(`push payload over ${MAX_PLAINTEXT} bytes`);
  const uaPublic = fromBase64url(keys.p256dh);
  const authSecret = fromBase64url(keys.auth);
  if (!uaPublic || uaPublic.length !== 65 || !authSecret || authSecret.length !== 16) throw new Error("bad subscription keys");
  const ua = new Uint8Array(uaPublic);
  const curve = { name: "ECDH", namedCurve: "P-256" } as const;
  const uaKey = await crypto.subtle.importKey("raw", ua, curve, false, []);
  const local = (await crypto.subtle.generateKey(curve, true, ["deriveBits"])) as CryptoKeyPair;
  const asPublic = new Uint8Array((await crypto.subtle.exportKey("raw", local.publicKey)) as ArrayBuffer);
  // (`public` is the Web Crypto name; Workers' type declarations spell it differently)
  const ecdh = { name: "ECDH", public: uaKey } as unknown as Parameters<typeof crypto.subtle.deriveBits>[0];
  const shared = new Uint8Array(await crypto.subtle.deriveBits(ecdh, local.privateKey, 256));
  // RFC 8291 §3.4: the input keying material binds both public keys and the auth secret.
  const ikm = await hkdf(new Uint8Array(authSecret), shared, concat(utf8("WebPush: info\0"), ua, asPublic), 32);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const cek = await hkdf(salt, ikm, utf8("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, utf8("Content-Encoding: nonce\0"), 12);
  const aes = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  // the last (and only) record ends with the delimiter 0x02
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, aes, concat(plaintext, new Uint8Array([2]))));
  const header = new Uint8Array(21);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header.set(salt, 0);
  header[20] = asPublic.length;
  return concat(header, asPublic, sealed);
}
