// What the domain needs from the outside world besides the store (src/core/store/): password
// hashing (Bun.password / Web Crypto), access tokens (jose), the clock, SHA-256 over a stream.
import type { Scope } from "../schema/bots.ts";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `rehash` is true when the hash is valid but not in this hasher's preferred form. */
  verify(password: string, hash: string): Promise<{ ok: boolean; rehash: boolean }>;
}

export interface AccessClaims {
  userId: string;
  loginId: string;
  /** a bot token's scopes (src/core/scopes.ts); absent for people, who may do everything */
  scopes?: readonly Scope[];
}

export interface TokenSigner {
  readonly accessTtlSeconds: number;
  sign(claims: AccessClaims): Promise<string>;
  /** null for any token that is not valid now (bad signature, alg, audience, issuer, expired) */
  verify(token: string): Promise<AccessClaims | null>;
}

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/**
 * An incremental SHA-256 (Web Crypto has none): Bun.CryptoHasher on Bun, crypto.DigestStream on
 * Workers, both native; a hash in JavaScript would cost ten times the CPU.
 */
export interface Sha256 {
  update(bytes: Uint8Array): void;
  /** hex; the hash takes no more updates after this */
  hex(): Promise<string>;
}
