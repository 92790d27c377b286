// Logins and refresh tokens on drizzle. Every multi-statement write is one `batch`, i.e. one
// transaction.
import { and, eq, sql } from "drizzle-orm";
import type { LoginStore, RefreshOutcome } from "../../core/store/logins.ts";
import { logins, refreshTokens } from "../schema.ts";
import type { SqlDb } from "./db.ts";

export class SqlLoginStore implements LoginStore {
  constructor(private readonly db: SqlDb) {}

  async createLogin(login: { id: string; userId: string; createdAt: number }, refresh: { hash: string; expiresAt: number }): Promise<void> {
    await this.db.batch([
      this.db.insert(logins).values(login),
      this.db.insert(refreshTokens).values({ tokenHash: refresh.hash, loginId: login.id, expiresAt: refresh.expiresAt }),
    ]);
  }

  async rotateRefreshToken(
    oldHash: string,
    next: { hash: string; expiresAt: number },
    now: number,
  ): Promise<{ outcome: RefreshOutcome; loginId?: string; userId?: string }> {
    const row = await this.db
      .select({ token: refreshTokens, userId: logins.userId, revokedAt: logins.revokedAt })
      .from(refreshTokens)
      .innerJoin(logins, eq(logins.id, refreshTokens.loginId))
      .where(eq(refreshTokens.tokenHash, oldHash))
      .get();
    if (!row) return { outcome: "unknown" };
    const { loginId } = row.token;
    if (row.revokedAt !== null) return { outcome: "revoked", loginId };
    if (row.token.usedAt !== null) {
      await this.revokeLogin(loginId, now);
      return { outcome: "reused", loginId, userId: row.userId };
    }
    if (row.token.expiresAt <= now) return { outcome: "expired", loginId };
    const [spent] = (await this.db.batch([
      this.db
        .update(refreshTokens)
        .set({ usedAt: now })
        .where(and(eq(refreshTokens.tokenHash, oldHash), sql`${refreshTokens.usedAt} IS NULL`))
        .returning({ hash: refreshTokens.tokenHash }),
      this.db.insert(refreshTokens).values({ tokenHash: next.hash, loginId, expiresAt: next.expiresAt }),
    ])) as [unknown[]];
    if (spent.length === 0) {
      // Another request spent it between our read and write: the token was used twice.
      await this.revokeLogin(loginId, now);
      return { outcome: "reused", loginId, userId: row.userId };
    }
    return { outcome: "rotated", loginId, userId: row.userId };
  }

  async revokeLogin(loginId: string, now: number): Promise<void> {
    await this.db
      .update(logins)
      .set({ revokedAt: now })
      .where(and(eq(logins.id, loginId), sql`${logins.revokedAt} IS NULL`));
  }

  async isLoginActive(loginId: string): Promise<boolean> {
    const row = await this.db.select({ revokedAt: logins.revokedAt }).from(logins).where(eq(logins.id, loginId)).get();
    return row !== undefined && row.revokedAt === null;
  }
}
