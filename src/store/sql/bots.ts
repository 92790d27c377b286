// Bots on drizzle (libSQL on Bun, D1 on Workers): the user row and the bot row, tokens by hash,
// webhooks, and Telegram's aliases.
import { and, asc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { BotRecord, BotStore, BotTarget, Webhook } from "../../core/store/bots.ts";
import type { UserRecord } from "../../core/store/users.ts";
import type { EventType, Scope } from "../../schema/bots.ts";
import { botPositions, botUpdates, bots, tgAliases, users } from "../schema.ts";
import { chunks, type SqlDb } from "./db.ts";

type Row = typeof bots.$inferSelect & { username: string; displayName: string; ownerId: string | null };

const record = (r: Row): BotRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.displayName,
  ownerId: r.ownerId ?? "",
  tokenHash: r.tokenHash,
  scopes: JSON.parse(r.scopes) as Scope[],
  events: JSON.parse(r.events) as EventType[],
  createdAt: r.createdAt,
  webhook: r.webhookUrl ? { url: r.webhookUrl, secret: r.webhookSecret, format: r.webhookFormat ?? "parley" } : null,
  lastError: r.lastError,
  lastErrorAt: r.lastErrorAt,
});

export class SqlBotStore implements BotStore {
  constructor(
    private readonly db: SqlDb,
    private readonly maxParams: number,
  ) {}

  #select() {
    return this.db
      .select({ ...getTableColumns(bots), username: users.username, displayName: users.displayName, ownerId: users.ownerId })
      .from(bots)
      .innerJoin(users, eq(users.id, bots.id));
  }

  async createBot(user: UserRecord, bot: { tokenHash: string; scopes: Scope[]; events: EventType[] }): Promise<boolean> {
    // One batch (a transaction); the bot row only lands with its user row (not on a taken username).
    const [inserted] = await this.db.batch([
      this.db.insert(users).values(user).onConflictDoNothing().returning({ id: users.id }),
      this.db.run(sql`INSERT INTO ${bots} (id, token_hash, scopes, events, created_at)
        SELECT id, ${bot.tokenHash}, ${JSON.stringify(bot.scopes)}, ${JSON.stringify(bot.events)}, created_at FROM ${users}
        WHERE id = ${user.id} AND bot = 1`),
    ]);
    return (inserted as unknown[]).length === 1;
  }

  async bot(id: string): Promise<BotRecord | null> {
    const row = await this.#select().where(eq(bots.id, id)).get();
    return row ? record(row) : null;
  }

  async botsOf(ownerId: string): Promise<BotRecord[]> {
    return (await this.#select().where(eq(users.ownerId, ownerId)).orderBy(asc(bots.createdAt))).map(record);
  }

  async botByTokenHash(hash: string): Promise<{ id: string; scopes: Scope[] } | null> {
    const row = await this.db.select({ id: bots.id, scopes: bots.scopes }).from(bots).where(eq(bots.tokenHash, hash)).get();
    return row ? { id: row.id, scopes: JSON.parse(row.scopes) as Scope[] } : null;
  }

  async setTokenHash(id: string, hash: string): Promise<void> {
    await this.db.update(bots).set({ tokenHash: hash }).where(eq(bots.id, id));
  }

  async deleteBot(id: string): Promise<void> {
    await this.db.batch([this.db.delete(bots).where(eq(bots.id, id)), this.db.delete(botUpdates).where(eq(botUpdates.botId, id)), this.db.delete(botPositions).where(eq(botPositions.botId, id))]);
  }

  async setWebhook(id: string, webhook: Webhook | null, events?: EventType[]): Promise<void> {
    await this.db
      .update(bots)
      .set({
        webhookUrl: webhook?.url ?? null,
        webhookSecret: webhook?.secret ?? null,
        webhookFormat: webhook?.format ?? null,
        lastError: null,
        lastErrorAt: null,
        ...(events ? { events: JSON.stringify(events) } : {}),
      })
      .where(eq(bots.id, id));
  }

  async recordError(id: string, error: string | null, at: number | null): Promise<void> {
    await this.db.update(bots).set({ lastError: error, lastErrorAt: at }).where(eq(bots.id, id));
  }

  async botIdsAmong(ids: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const part of chunks(ids, this.maxParams)) {
      const rows = await this.db.select({ id: users.id }).from(users).where(and(inArray(users.id, part), eq(users.bot, true)));
      found.push(...rows.map((r) => r.id));
    }
    return found;
  }

  async targets(ids: string[]): Promise<BotTarget[]> {
    const found: BotTarget[] = [];
    for (const part of chunks(ids, this.maxParams)) {
      const rows = await this.db.select({ id: bots.id, events: bots.events, webhookUrl: bots.webhookUrl }).from(bots).where(inArray(bots.id, part));
      found.push(...rows.map((r) => ({ id: r.id, events: JSON.parse(r.events) as EventType[], webhook: r.webhookUrl !== null })));
    }
    return found;
  }

  async alias(ref: string): Promise<number> {
    const existing = await this.db.select({ alias: tgAliases.alias }).from(tgAliases).where(eq(tgAliases.ref, ref)).get();
    if (existing) return existing.alias;
    await this.db.insert(tgAliases).values({ ref }).onConflictDoNothing();
    return (await this.db.select({ alias: tgAliases.alias }).from(tgAliases).where(eq(tgAliases.ref, ref)).get())!.alias;
  }

  async refOf(alias: number): Promise<string | null> {
    return (await this.db.select({ ref: tgAliases.ref }).from(tgAliases).where(eq(tgAliases.alias, alias)).get())?.ref ?? null;
  }
}
