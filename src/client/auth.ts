// The tokens of one login: the access token for HTTP and hello, renewed with the refresh token
// shortly before it expires or after the server refused it. A refresh token works once and
// reusing a spent one revokes the whole login, so renewals are single-flight.
import type { AuthResponse } from "../schema/accounts.ts";

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  /** access token lifetime in seconds, from when the pair was issued */
  expiresIn?: number;
}

/** Why a token is asked for: the first connect, a reconnect, an HTTP request, or after a refusal (401, 4001). */
export type TokenReason = "connect" | "reconnect" | "request" | "unauthorized";

/**
 * The app's token hook: a fresh access token for this (re)connect or after a refusal, or null
 * when there is none (the client then stops with an `unauthorized` error).
 */
export type TokenProvider = (context: { reason: TokenReason }) => string | null | Promise<string | null>;

/** Renew this many ms before the access token's expiry. */
const MARGIN_MS = 30_000;

export class TokenKeeper {
  #tokens: Tokens | null = null;
  #expiresAt = Infinity;
  #renewing: Promise<string | null> | null = null;

  constructor(
    private readonly refresh: (refreshToken: string) => Promise<AuthResponse>,
    private readonly onTokens?: (tokens: AuthResponse) => void,
    private readonly provider?: TokenProvider,
    private readonly now: () => number = Date.now,
  ) {}

  set(tokens: Tokens | null): void {
    this.#tokens = tokens;
    this.#expiresAt = tokens?.expiresIn === undefined ? Infinity : this.now() + tokens.expiresIn * 1000;
  }

  get current(): Tokens | null {
    return this.#tokens;
  }

  /** The token to use now: the app's hook when there is one, else ours (renewed when about to expire). */
  async token(reason: TokenReason = "connect"): Promise<string | null> {
    if (this.provider) return this.provider({ reason });
    const expiring = this.now() > this.#expiresAt - MARGIN_MS && !!this.#tokens?.refreshToken;
    if (reason === "unauthorized" || expiring) return this.renew();
    return this.#tokens?.accessToken ?? null;
  }

  /**
   * A new access token after the current one was refused, or null when it cannot be had (no
   * refresh token, or the server refused it). Throws when the server could not be asked
   * (network, 5xx, 429): worth trying again later.
   */
  renew(): Promise<string | null> {
    if (this.provider) return Promise.resolve(this.provider({ reason: "unauthorized" }));
    this.#renewing ??= this.#refresh().finally(() => (this.#renewing = null));
    return this.#renewing;
  }

  async #refresh(): Promise<string | null> {
    const refreshToken = this.#tokens?.refreshToken;
    if (!refreshToken) return null;
    let next: AuthResponse;
    try {
      next = await this.refresh(refreshToken);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) return null;
      throw err;
    }
    this.set(next);
    this.onTokens?.(next);
    return next.accessToken;
  }
}
