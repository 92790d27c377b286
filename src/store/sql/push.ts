// Push subscriptions and outstanding notifications on drizzle (libSQL on Bun, D1 on Workers).
import { and, desc, eq, gt, inArray, lte, notInArray, sql } from "drizzle-orm";
import type { PushSubscription } from "../../core/push.ts";
import type { PushStore } from "../../core/store/push.ts";
import { conversationLists, pushOutstanding, pushSubscriptions } from "../schema.ts";
import { chunks, prebuilt, type SqlDb } from "./db.ts";

/**
 * The subscriptions of the users in `users` (a JSON array), asked after every commit that has
 * offline members: one statement text whatever their number, built once. drizzle building the
 * `IN (?, …)` select on every call was about 3% of the main thread in a bench:http profile.
 */
const subscriptionsOfUsers = prebuilt(1, (users) => sql`SELECT id, user_id AS "userId", endpoint, p256dh, auth, created_at AS "createdAt"
  FROM ${pushSubscriptions} WHERE user_id IN (SELECT value FROM json_each(${users}))`);
/** users per statement: their ids (at most 64 characters) stay far below D1's 2 MB per string */
const USERS_PER_LOOKUP = 5000;

export class SqlPushStore implements PushStore {
  constructor(
    private readonly db: SqlDb,
    private readonly maxParams: number,
  ) {}

  async saveSubscription(sub: PushSubscription, max: number) {
    const before = await this.db.select({ userId: pushSubscriptions.userId }).from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, sub.endpoint)).get();
    const [saved] = await this.db
      .insert(pushSubscriptions)
      .values(sub)
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { userId: sub.userId, p256dh: sub.p256dh, auth: sub.auth, createdAt: sub.createdAt },
      })
      .returning();
    // the user's newest `max` stay (a device that subscribes again counts as new)
    const keep = this.db
      .select({ id: pushSubscriptions.id })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, sub.userId))
      .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
      .limit(max);
    await this.db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, sub.userId), notInArray(pushSubscriptions.id, keep)));
    return { subscription: saved!, created: before?.userId !== sub.userId };
  }

  async removeSubscription(userId: string, endpoint: string): Promise<boolean> {
    const removed = await this.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
      .returning({ id: pushSubscriptions.id });
    return removed.length > 0;
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
  }

  subscriptionsOf(userId: string): Promise<PushSubscription[]> {
    return this.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).all();
  }

  async subscriptionsOfAny(userIds: readonly string[]): Promise<PushSubscription[]> {
    const parts = await Promise.all(
      chunks([...userIds], USERS_PER_LOOKUP).map((part) => this.db.all<PushSubscription>(subscriptionsOfUsers(JSON.stringify(part)))),
    );
    return parts.flat();
  }

  async claimOutstanding(userIds: readonly string[], conv: string, seq: number, now: number): Promise<string[]> {
    const parts = await Promise.all(
      chunks([...userIds], Math.floor(this.maxParams / 4)).map((part) =>
        this.db
          .insert(pushOutstanding)
          .values(part.map((userId) => ({ userId, convId: conv, seq, createdAt: now })))
          .onConflictDoNothing()
          .returning({ userId: pushOutstanding.userId }),
      ),
    );
    return parts.flat().map((r) => r.userId);
  }

  async mutedAmong(userIds: readonly string[], conv: string, now: number): Promise<string[]> {
    const parts = await Promise.all(
      chunks([...userIds], this.maxParams - 2).map((part) =>
        this.db
          .select({ userId: conversationLists.userId })
          .from(conversationLists)
          .where(and(eq(conversationLists.convId, conv), inArray(conversationLists.userId, part), gt(conversationLists.mutedUntil, now)))
          .all(),
      ),
    );
    return parts.flat().map((r) => r.userId);
  }

  async clearOutstanding(userId: string, conv: string, seq: number): Promise<boolean> {
    const cleared = await this.db
      .delete(pushOutstanding)
      .where(and(eq(pushOutstanding.userId, userId), eq(pushOutstanding.convId, conv), lte(pushOutstanding.seq, seq)))
      .returning({ seq: pushOutstanding.seq });
    return cleared.length > 0;
  }
}
