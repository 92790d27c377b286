// Web Crypto is the same global on Bun, Workers and browsers, so the domain may use it.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Random bytes for ids, drawn from the CSPRNG a few kilobytes at a time rather than 16 bytes per id. */
const pool = new Uint8Array(4096);
let poolAt = pool.length;

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits. Time-ordered, so a new row
 * lands at the end of an index on its id instead of anywhere in it (one page written per commit,
 * not one per row). Every message gets one: written straight as hex, without a byte array per id.
 */
export function newId(now = Date.now()): string {
  if (poolAt + 10 > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += 10;
  const ms = Math.floor(now);
  const high = Math.floor(ms / 0x10000).toString(16).padStart(8, "0");
  const low = (ms % 0x10000).toString(16).padStart(4, "0");
  const b = (i: number) => HEX[pool[r + i]!]!;
  const version = `7${(pool[r]! & 0x0f).toString(16)}${b(1)}`; // version 7
  const variant = `${HEX[(pool[r + 2]! & 0x3f) | 0x80]}${b(3)}`; // variant 10
  return `${high}-${low}-${version}-${variant}-${b(4)}${b(5)}${b(6)}${b(7)}${b(8)}${b(9)}`;
}

export function randomToken(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
