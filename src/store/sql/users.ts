// Users on drizzle (libSQL on Bun, D1 on Workers).
import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";
import type { UserRecord, UserStore } from "../../core/store/users.ts";
import { users } from "../schema.ts";
import { chunks, type SqlDb } from "./db.ts";

export class SqlUserStore implements UserStore {
  constructor(
    private readonly db: SqlDb,
    private readonly maxParams: number,
  ) {}

  async createUser(user: UserRecord): Promise<boolean> {
    const inserted = await this.db.insert(users).values(user).onConflictDoNothing().returning({ id: users.id });
    return inserted.length === 1;
  }

  async userByUsername(username: string): Promise<UserRecord | null> {
    return (await this.db.select().from(users).where(eq(users.username, username)).get()) ?? null;
  }

  async userById(id: string): Promise<UserRecord | null> {
    return (await this.db.select().from(users).where(eq(users.id, id)).get()) ?? null;
  }

  async setPasswordHash(userId: string, hash: string): Promise<void> {
    await this.db.update(users).set({ passwordHash: hash }).where(eq(users.id, userId));
  }

  searchUsers(prefix: string, limit: number): Promise<UserRecord[]> {
    // A range on the unique index instead of LIKE, so `_` and `%` in names are literal.
    return this.db
      .select()
      .from(users)
      .where(and(gte(users.username, prefix), lt(users.username, `${prefix}\uffff`)))
      .orderBy(asc(users.username))
      .limit(limit)
      .all();
  }

  async usersByIds(ids: string[]): Promise<UserRecord[]> {
    const found: UserRecord[] = [];
    for (const part of chunks(ids, this.maxParams)) found.push(...(await this.db.select().from(users).where(inArray(users.id, part))));
    return found;
  }

  async existingUserIds(ids: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const part of chunks(ids, this.maxParams)) {
      const rows = await this.db.select({ id: users.id }).from(users).where(inArray(users.id, part));
      found.push(...rows.map((r) => r.id));
    }
    return found;
  }
}
