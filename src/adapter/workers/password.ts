// The Workers hasher. New hashes are PBKDF2-SHA256 through Web Crypto (100,000 iterations, the
// most Workers allow). Argon2 PHC hashes made on Bun (Bun.password) still verify, in pure JS
// (@noble/hashes: workerd cannot compile WebAssembly at run time), and are replaced by a PBKDF2
// hash at that login, so each account pays the slow argon2 verify on Workers at most once.
import { argon2d, argon2i, argon2id } from "@noble/hashes/argon2.js";
import type { PasswordHasher } from "../../core/ports.ts";
import { isPbkdf2Hash, PBKDF2_ITERATIONS, pbkdf2Hash, pbkdf2Verify } from "../../auth/pbkdf2.ts";

/** Bun's default cost (m=65536 KiB, t=2, p=1) is within these; anything above is refused. */
export const ARGON2_VERIFY_LIMITS = { maxMemoryKiB: 65_536, maxTime: 10, maxLanes: 4 } as const;

const ARGON2 = { argon2id, argon2i, argon2d } as const;

interface PhcArgon2 {
  variant: keyof typeof ARGON2;
  version: number;
  m: number;
  t: number;
  p: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

/** Standard base64, padding optional (PHC strings omit it); null when malformed. */
function unb64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.padEnd(Math.ceil(text.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** `$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>` (the `v=` part may be absent: version 0x10). */
export function parseArgon2(phc: string): PhcArgon2 | null {
  const parts = phc.split("$");
  if (parts[0] !== "" || !(parts[1]! in ARGON2)) return null;
  const variant = parts[1] as keyof typeof ARGON2;
  let rest = parts.slice(2);
  let version = 0x10;
  if (rest[0]?.startsWith("v=")) {
    version = Number(rest[0].slice(2));
    rest = rest.slice(1);
  }
  if (rest.length !== 3) return null;
  const params = new Map(rest[0]!.split(",").map((kv) => kv.split("=") as [string, string]));
  const [m, t, p] = ["m", "t", "p"].map((k) => Number(params.get(k)));
  const salt = unb64(rest[1]!);
  const hash = unb64(rest[2]!);
  if (!salt || !hash || salt.length < 8 || hash.length < 4) return null;
  if (![m, t, p].every((n) => Number.isInteger(n) && n! > 0) || (version !== 0x10 && version !== 0x13)) return null;
  return { variant, version, m: m!, t: t!, p: p!, salt, hash };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0;
}

/** Verifies an argon2 PHC hash; false for a wrong password, a malformed hash or one too costly here. */
export function argon2Verify(password: string, phc: string, limits = ARGON2_VERIFY_LIMITS): boolean {
  const h = parseArgon2(phc);
  if (!h || h.m > limits.maxMemoryKiB || h.t > limits.maxTime || h.p > limits.maxLanes) return false;
  const derived = ARGON2[h.variant](new TextEncoder().encode(password), h.salt, {
    m: h.m,
    t: h.t,
    p: h.p,
    version: h.version,
    dkLen: h.hash.length,
  });
  return equalBytes(derived, h.hash);
}

const pbkdf2Iterations = (hash: string) => Number(/^\$pbkdf2-sha256\$i=(\d+)\$/.exec(hash)?.[1] ?? 0);

/**
 * PBKDF2 for new hashes; `iterations` (default and maximum 100,000) is lowered only by tests, as
 * ARGON2_* is on Bun. A valid hash with fewer iterations, or any argon2 hash, asks for a rehash.
 */
export function workersHasher(iterations = PBKDF2_ITERATIONS): PasswordHasher {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) {
    throw new Error(`PBKDF2 iterations must be an integer in 1..${PBKDF2_ITERATIONS}`);
  }
  return {
    hash: (password) => pbkdf2Hash(password, iterations),
    async verify(password, hash) {
      if (isPbkdf2Hash(hash)) {
        const { ok } = await pbkdf2Verify(password, hash);
        return { ok, rehash: ok && pbkdf2Iterations(hash) < iterations };
      }
      if (hash.startsWith("$argon2")) {
        const ok = argon2Verify(password, hash);
        return { ok, rehash: ok };
      }
      return { ok: false, rehash: false }; // not a hash this build understands
    },
  };
}
