// The bots' outbox on drizzle: appended in order (AUTOINCREMENT ids never go back), read by long
// polls, delivered head-of-line per (bot, conversation) to webhooks.
import { and, asc, count, eq, getTableColumns, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { BehindBot, BotOutbox, DueDelivery, OutboxLimits, OutboxRow, Reached } from "../../core/store/bot-outbox.ts";
import type { BotEvent, BotEventBody } from "../../schema/bots.ts";
import { botPositions, botUpdates, bots, conversations, members, users } from "../schema.ts";
import { batchOf, chunks, type SqlDb } from "./db.ts";

const eventOf = (id: number, payload: string): BotEvent => ({ id, ...(JSON.parse(payload) as BotEventBody) });

/** The first pending event of its (bot, conversation): only it may be delivered. */
const isHead = sql`${botUpdates.id} = (SELECT min(x.id) FROM ${botUpdates} x
  WHERE x.bot_id = ${botUpdates.botId} AND x.conv_key = ${botUpdates.convKey} AND x.state = 'pending')`;

export class SqlBotOutbox implements BotOutbox {
  constructor(
    private readonly db: SqlDb,
    private readonly maxParams: number,
  ) {}

  async append(rows: OutboxRow[], now: number, limits: OutboxLimits, reached: Reached[] = []): Promise<void> {
    if (rows.length === 0 && reached.length === 0) return;
    const plain = rows.filter((r) => r.seq === undefined).map((r) => this.#values(r, now));
    const inserts = chunks(plain, Math.floor(this.maxParams / 5)).map((part) => this.db.insert(botUpdates).values(part));
    // An entry's row only while the bot's position is before it: a catch-up and the live event
    // of the same entry append it once.
    const entries = rows
      .filter((r) => r.seq !== undefined)
      .map((r) => {
        const v = this.#values(r, now);
        return this.db.run(sql`INSERT INTO ${botUpdates} (bot_id, conv_key, payload, created_at, next_attempt_at)
          SELECT ${v.botId}, ${v.convKey}, ${v.payload}, ${now}, ${now}
          WHERE NOT EXISTS (SELECT 1 FROM ${botPositions} WHERE bot_id = ${v.botId} AND conv_id = ${v.convKey} AND seq >= ${r.seq})`);
      });
    const positions = chunks(reached, Math.floor(this.maxParams / 3)).map((part) =>
      this.db
        .insert(botPositions)
        .values(part.map((r) => ({ botId: r.botId, convId: r.conv, seq: r.seq })))
        .onConflictDoUpdate({ target: [botPositions.botId, botPositions.convId], set: { seq: sql`max(${botPositions.seq}, excluded.seq)` } }),
    );
    const trims = [...new Set(rows.map((r) => r.botId))].flatMap((botId) => this.#trim(botId, limits));
    await this.db.batch(batchOf([...inserts, ...entries, ...positions, ...trims]));
  }

  #values(r: OutboxRow, now: number) {
    return { botId: r.botId, convKey: r.convKey, payload: JSON.stringify(r.event), createdAt: now, nextAttemptAt: now };
  }

  async behind(limit: number, conv?: string): Promise<BehindBot[]> {
    // A bot added by the entry at joinedSeq hears of that entry too; one there from the start, of everything.
    const after = sql<number>`coalesce(${botPositions.seq}, max(${members.joinedSeq} - 1, 0))`;
    const to = sql<number>`coalesce(${members.removedSeq}, ${conversations.lastSeq})`;
    const rows = await this.db
      .select({ botId: members.userId, conv: members.convId, after, to })
      .from(members)
      .innerJoin(users, and(eq(users.id, members.userId), eq(users.bot, true)))
      .innerJoin(bots, eq(bots.id, members.userId))
      .innerJoin(conversations, eq(conversations.id, members.convId))
      .leftJoin(botPositions, and(eq(botPositions.botId, members.userId), eq(botPositions.convId, members.convId)))
      .where(and(sql`${after} < ${to}`, conv === undefined ? undefined : eq(members.convId, conv)))
      .limit(limit);
    return rows.map((r) => ({ botId: r.botId, conv: r.conv, after: Number(r.after), to: Number(r.to) }));
  }

  async positions(conv: string, botIds: string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const part of chunks(botIds, this.maxParams - 1)) {
      const rows = await this.db
        .select({ botId: botPositions.botId, seq: botPositions.seq })
        .from(botPositions)
        .where(and(eq(botPositions.convId, conv), inArray(botPositions.botId, part)));
      for (const r of rows) found.set(r.botId, r.seq);
    }
    return found;
  }

  /** What the limits drop of one bot: the oldest pending events beyond the cap, and expired ones. */
  #trim(botId: string, limits: OutboxLimits) {
    return [
      this.db.run(sql`DELETE FROM ${botUpdates} WHERE bot_id = ${botId} AND state = 'pending' AND id <= (
        SELECT id FROM ${botUpdates} WHERE bot_id = ${botId} AND state = 'pending' ORDER BY id DESC LIMIT 1 OFFSET ${limits.maxPerBot})`),
      this.db.delete(botUpdates).where(and(eq(botUpdates.botId, botId), this.#expired(limits))),
    ];
  }

  #expired(limits: OutboxLimits): SQL {
    return or(
      and(eq(botUpdates.state, "pending"), lt(botUpdates.createdAt, limits.pendingSince)),
      and(eq(botUpdates.state, "failed"), lt(botUpdates.createdAt, limits.failedSince)),
    )!;
  }

  async pending(botId: string, offset: number, limit: number, since: number): Promise<BotEvent[]> {
    const rows = await this.db
      .select({ id: botUpdates.id, payload: botUpdates.payload })
      .from(botUpdates)
      .where(and(eq(botUpdates.botId, botId), eq(botUpdates.state, "pending"), gte(botUpdates.id, offset), gte(botUpdates.createdAt, since)))
      .orderBy(asc(botUpdates.id))
      .limit(limit);
    return rows.map((r) => eventOf(r.id, r.payload));
  }

  async confirm(botId: string, offset: number): Promise<void> {
    await this.db.delete(botUpdates).where(and(eq(botUpdates.botId, botId), eq(botUpdates.state, "pending"), lt(botUpdates.id, offset)));
  }

  async countPending(botId: string, since: number): Promise<number> {
    const row = await this.db
      .select({ n: count() })
      .from(botUpdates)
      .where(and(eq(botUpdates.botId, botId), eq(botUpdates.state, "pending"), gte(botUpdates.createdAt, since)))
      .get();
    return row?.n ?? 0;
  }

  #heads(botId?: string) {
    return and(eq(botUpdates.state, "pending"), sql`${bots.webhookUrl} IS NOT NULL`, isHead, botId === undefined ? undefined : eq(botUpdates.botId, botId));
  }

  async dueDeliveries(now: number, limit: number, botId?: string): Promise<DueDelivery[]> {
    const rows = await this.db
      .select({ ...getTableColumns(botUpdates), url: bots.webhookUrl, secret: bots.webhookSecret, format: bots.webhookFormat })
      .from(botUpdates)
      .innerJoin(bots, eq(bots.id, botUpdates.botId))
      .where(and(this.#heads(botId), sql`${botUpdates.nextAttemptAt} <= ${now}`))
      .orderBy(asc(botUpdates.id))
      .limit(limit);
    return rows.map((r) => ({
      event: eventOf(r.id, r.payload),
      botId: r.botId,
      attempts: r.attempts,
      createdAt: r.createdAt,
      webhook: { url: r.url!, secret: r.secret, format: r.format ?? "parley" },
    }));
  }

  async nextDue(botId?: string): Promise<number | null> {
    const row = await this.db
      .select({ at: sql<number | null>`min(${botUpdates.nextAttemptAt})` })
      .from(botUpdates)
      .innerJoin(bots, eq(bots.id, botUpdates.botId))
      .where(this.#heads(botId))
      .get();
    return row?.at == null ? null : Number(row.at);
  }

  async delivered(id: number): Promise<void> {
    await this.db.delete(botUpdates).where(eq(botUpdates.id, id));
  }

  async retryAt(id: number, at: number, error: string): Promise<void> {
    await this.db
      .update(botUpdates)
      .set({ attempts: sql`${botUpdates.attempts} + 1`, nextAttemptAt: at, lastError: error })
      .where(eq(botUpdates.id, id));
  }

  async failed(id: number, error: string): Promise<void> {
    await this.db
      .update(botUpdates)
      .set({ state: "failed", attempts: sql`${botUpdates.attempts} + 1`, lastError: error })
      .where(eq(botUpdates.id, id));
  }

  async failures(botId: string, limit: number) {
    const rows = await this.db
      .select()
      .from(botUpdates)
      .where(and(eq(botUpdates.botId, botId), eq(botUpdates.state, "failed")))
      .orderBy(asc(botUpdates.id))
      .limit(limit);
    return rows.map((r) => ({ event: eventOf(r.id, r.payload), attempts: r.attempts, lastError: r.lastError }));
  }

  async prune(limits: OutboxLimits): Promise<void> {
    await this.db.delete(botUpdates).where(this.#expired(limits));
  }
}
