// Accounts: registration, login, refresh-token rotation with reuse detection, logout.
import type { AuthResponse, User } from "../schema/accounts.ts";
import { isBotToken } from "./bots.ts";
import { AppError } from "./errors.ts";
import type { AccessClaims, Clock, PasswordHasher, TokenSigner } from "./ports.ts";
import type { LoginStore } from "./store/logins.ts";
import type { UserRecord, UserStore } from "./store/users.ts";
import { newId, randomToken, sha256Hex } from "./random.ts";

const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
/**
 * How long a login found active is trusted without asking the store again: every request and
 * hello checks it, and the store round trip was the larger part of an HTTP send. A login revoked
 * in this process is dropped at once; other processes notice within this time.
 */
const ACTIVE_LOGIN_TRUST_MS = 2_000;
const MAX_TRUSTED_LOGINS = 10_000;

export interface AccountsDeps {
  users: UserStore;
  logins: LoginStore;
  hasher: PasswordHasher;
  tokens: TokenSigner;
  clock: Clock;
  /**
   * called when a login is revoked, so live sockets of it can be closed (4010); awaited, so a
   * runtime that kicks through another object (Workers) has done so before the answer goes out
   */
  onLoginRevoked?: (loginId: string, userId?: string) => void | Promise<void>;
  /** bot tokens (src/core/bots.ts): authenticated there, wherever an access token is taken */
  bots?: { authenticate(token: string): Promise<AccessClaims | null> };
}

export const publicUser = (u: UserRecord): User => ({ id: u.id, username: u.username, displayName: u.displayName, ...(u.bot ? { bot: true } : {}) });

export class Accounts {
  // Verified against when the username does not exist, so that a miss costs as much as a hit.
  #decoyHash: Promise<string> | undefined;
  /** loginId → until when it counts as active without a store read */
  readonly #activeUntil = new Map<string, number>();
  /** revocations so far: a store read that overlapped one is not trusted afterwards */
  #revocations = 0;

  constructor(private readonly deps: AccountsDeps) {}

  async register(input: { username: string; password: string; displayName?: string }): Promise<AuthResponse> {
    const { users, hasher, clock } = this.deps;
    const user: UserRecord = {
      id: newId(),
      username: input.username,
      displayName: input.displayName ?? input.username,
      passwordHash: await hasher.hash(input.password),
      createdAt: clock.now(),
    };
    if (!(await users.createUser(user))) throw new AppError("username_taken", "that username is taken");
    return this.#startLogin(user);
  }

  async login(input: { username: string; password: string }): Promise<AuthResponse> {
    const { users, hasher } = this.deps;
    const user = await users.userByUsername(input.username);
    if (!user) {
      this.#decoyHash ??= hasher.hash("decoy password");
      await hasher.verify(input.password, await this.#decoyHash);
      throw new AppError("invalid_credentials", "wrong username or password");
    }
    const { ok, rehash } = await hasher.verify(input.password, user.passwordHash);
    if (!ok) throw new AppError("invalid_credentials", "wrong username or password");
    if (rehash) await users.setPasswordHash(user.id, await hasher.hash(input.password));
    return this.#startLogin(user);
  }

  async refresh(refreshToken: string): Promise<AuthResponse> {
    const { users, logins, clock } = this.deps;
    const next = { token: randomToken(), expiresAt: clock.now() + REFRESH_TTL_MS };
    const result = await logins.rotateRefreshToken(
      await sha256Hex(refreshToken),
      { hash: await sha256Hex(next.token), expiresAt: next.expiresAt },
      clock.now(),
    );
    if (result.outcome === "reused" && result.loginId) {
      this.#forget(result.loginId);
      await this.deps.onLoginRevoked?.(result.loginId, result.userId);
    }
    if (result.outcome !== "rotated" || !result.userId || !result.loginId) {
      throw new AppError("unauthorized", `refresh token ${result.outcome}`);
    }
    const user = await users.userById(result.userId);
    if (!user) throw new AppError("unauthorized", "user no longer exists");
    return this.#response(user, result.loginId, next.token);
  }

  async logout(loginId: string, userId?: string): Promise<void> {
    await this.deps.logins.revokeLogin(loginId, this.deps.clock.now());
    this.#forget(loginId);
    await this.deps.onLoginRevoked?.(loginId, userId);
  }

  /** The claims of a valid access token whose login is still active (or of a current bot token), else null. */
  async authenticate(accessToken: string): Promise<AccessClaims | null> {
    if (isBotToken(accessToken)) return (await this.deps.bots?.authenticate(accessToken)) ?? null;
    const claims = await this.deps.tokens.verify(accessToken);
    if (!claims) return null;
    const now = this.deps.clock.now();
    if ((this.#activeUntil.get(claims.loginId) ?? 0) > now) return claims;
    const revocations = this.#revocations;
    if (!(await this.deps.logins.isLoginActive(claims.loginId))) return null;
    if (revocations === this.#revocations) {
      if (this.#activeUntil.size >= MAX_TRUSTED_LOGINS) this.#activeUntil.clear();
      this.#activeUntil.set(claims.loginId, now + ACTIVE_LOGIN_TRUST_MS);
    }
    return claims;
  }

  #forget(loginId: string): void {
    this.#revocations++;
    this.#activeUntil.delete(loginId);
  }

  async me(userId: string): Promise<User> {
    const user = await this.deps.users.userById(userId);
    if (!user) throw new AppError("unauthorized", "user no longer exists");
    return publicUser(user);
  }

  async search(prefix: string, limit: number): Promise<User[]> {
    return (await this.deps.users.searchUsers(prefix.toLowerCase(), limit)).map(publicUser);
  }

  /** The users of `ids` that exist, in the order asked: names are no secret (the search above finds anyone). */
  async byIds(ids: string[]): Promise<User[]> {
    const found = new Map((await this.deps.users.usersByIds(ids)).map((u) => [u.id, publicUser(u)]));
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async #startLogin(user: UserRecord): Promise<AuthResponse> {
    const { logins, clock } = this.deps;
    const loginId = newId();
    const refreshToken = randomToken();
    await logins.createLogin(
      { id: loginId, userId: user.id, createdAt: clock.now() },
      { hash: await sha256Hex(refreshToken), expiresAt: clock.now() + REFRESH_TTL_MS },
    );
    return this.#response(user, loginId, refreshToken);
  }

  async #response(user: UserRecord, loginId: string, refreshToken: string): Promise<AuthResponse> {
    const accessToken = await this.deps.tokens.sign({ userId: user.id, loginId });
    return { user: publicUser(user), accessToken, refreshToken, expiresIn: this.deps.tokens.accessTtlSeconds };
  }
}
