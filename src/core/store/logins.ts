// Logins and their refresh tokens (stored as hashes only). Revoking a login ends every refresh
// token of it; the access tokens it issued name it, so they stop working too.

export type RefreshOutcome = "rotated" | "reused" | "unknown" | "expired" | "revoked";

export interface LoginStore {
  createLogin(login: { id: string; userId: string; createdAt: number }, refresh: { hash: string; expiresAt: number }): Promise<void>;
  /** Spends `oldHash` and stores `next` in one step; a spent token revokes its login. */
  rotateRefreshToken(oldHash: string, next: { hash: string; expiresAt: number }, now: number): Promise<{ outcome: RefreshOutcome; loginId?: string; userId?: string }>;
  revokeLogin(loginId: string, now: number): Promise<void>;
  isLoginActive(loginId: string): Promise<boolean>;
}
