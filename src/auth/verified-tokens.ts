// Access tokens already verified, so a client that sends many requests with one token pays for
// its signature check once: every HTTP request and hello verifies its token, and the HMAC and
// claim checks were a large part of a small request. A token stays until its `exp` (after which
// it is invalid anyway), so what the cache answers is what verifying again would answer; whether
// its login is still active is not cached here (Accounts.authenticate asks that on every use, and
// a logout takes effect at once). Only tokens whose signature checked out get in, at most
// `maxEntries` of them: the oldest makes room.
import type { AccessClaims } from "../core/ports.ts";

export class VerifiedTokens {
  readonly #byToken = new Map<string, { claims: AccessClaims; expiresAtMs: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The claims of a token verified before and not expired yet; undefined: verify it. */
  get(token: string): AccessClaims | undefined {
    const hit = this.#byToken.get(token);
    if (!hit) return undefined;
    if (this.now() < hit.expiresAtMs) return hit.claims;
    this.#byToken.delete(token);
    return undefined;
  }

  /** A token that verified, valid until `exp` (seconds, as in the token). */
  add(token: string, claims: AccessClaims, exp: number): void {
    if (this.#byToken.size >= this.maxEntries) this.#byToken.delete(this.#byToken.keys().next().value!);
    this.#byToken.set(token, { claims, expiresAtMs: exp * 1000 });
  }

  get size(): number {
    return this.#byToken.size;
  }
}
