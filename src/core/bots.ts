// Bot accounts (docs/protocol.md "Bots and integrations"): created and owned by a user, a user
// themselves (users.bot), with an opaque token shown once and stored only as a hash, revocable
// and rotatable; what the token may do is in scopes.ts. Delivery settings (the webhook, the
// events it receives) are set by the owner or by the bot itself.
import type { Bot, EventType, Scope, WebhookInfo } from "../schema/bots.ts";
import { DEFAULT_EVENTS, DEFAULT_SCOPES } from "../schema/bots.ts";
import { AppError, forbidden, notFound } from "./errors.ts";
import type { AccessClaims, Clock } from "./ports.ts";
import { newId, randomToken, sha256Hex } from "./random.ts";
import type { BotOutbox } from "./store/bot-outbox.ts";
import type { BotRecord, BotStore, Webhook } from "./store/bots.ts";

/** Bot tokens start with this, so they are told from JWTs without a signature check. */
export const BOT_TOKEN_PREFIX = "pb_";
export const isBotToken = (token: string): boolean => token.startsWith(BOT_TOKEN_PREFIX);

/** A bot token as a login: revoking it (rotation, deletion) kicks the sockets opened with it. */
export const botLoginId = (tokenHash: string): string => `bot:${tokenHash.slice(0, 32)}`;

/** Like Accounts' logins: a token found valid is trusted this long without a store read. */
const TOKEN_TRUST_MS = 2_000;
const MAX_TRUSTED_TOKENS = 10_000;

export interface BotPolicy {
  /** bots one user may own (MAX_BOTS_PER_USER) */
  maxBotsPerUser: number;
  /** pending events kept per bot; the oldest beyond it are dropped (BOT_OUTBOX_MAX) */
  maxOutbox: number;
  /** how long a pending event is kept for a bot that does not fetch it (BOT_RETENTION_HOURS) */
  retentionMs: number;
  /** how long a webhook delivery is retried before it is listed as a failure (WEBHOOK_RETRY_FOR_S) */
  retryForMs: number;
  /** how long a failure stays listed */
  failureRetentionMs: number;
}

export const defaultBotPolicy: BotPolicy = {
  maxBotsPerUser: 20,
  maxOutbox: 10_000,
  retentionMs: 72 * 3600_000,
  retryForMs: 24 * 3600_000,
  failureRetentionMs: 7 * 24 * 3600_000,
};

/** The outbox limits at `now` under a policy. */
export const outboxLimits = (policy: BotPolicy, now: number) => ({
  maxPerBot: policy.maxOutbox,
  pendingSince: now - policy.retentionMs,
  failedSince: now - policy.failureRetentionMs,
});

export interface BotsDeps {
  bots: BotStore;
  outbox: BotOutbox;
  clock: Clock;
  policy: BotPolicy;
  /** refuses a webhook URL it may not call (webhook-url.ts), with the runtime's resolver */
  checkWebhookUrl(url: string): Promise<void>;
  /** a token stopped working: its sockets close (4010), its long polls end */
  onTokenRevoked?(loginId: string, botId: string): void | Promise<void>;
  /** the webhook was set or removed: deliveries (re)start */
  onWebhookChanged?(botId: string): void | Promise<void>;
}

const toBot = (r: BotRecord): Bot => ({
  id: r.id,
  username: r.username,
  displayName: r.displayName,
  bot: true,
  owner: r.ownerId,
  scopes: r.scopes,
  events: r.events,
  createdAt: r.createdAt,
});

export class Bots {
  /** token hash → the claims and until when they are trusted */
  readonly #trusted = new Map<string, { claims: AccessClaims; until: number }>();
  #revocations = 0;

  constructor(private readonly deps: BotsDeps) {}

  async create(ownerId: string, input: { username: string; displayName?: string; scopes?: Scope[]; events?: EventType[] }) {
    const { bots, clock, policy } = this.deps;
    if ((await bots.botsOf(ownerId)).length >= policy.maxBotsPerUser) throw forbidden(`a user owns at most ${policy.maxBotsPerUser} bots`);
    const token = newToken();
    const user = {
      id: newId(),
      username: input.username,
      displayName: input.displayName ?? input.username,
      passwordHash: "!", // no password: a bot never logs in, it holds a token
      createdAt: clock.now(),
      bot: true,
      ownerId,
    };
    const created = await bots.createBot(user, { tokenHash: await sha256Hex(token), scopes: input.scopes ?? [...DEFAULT_SCOPES], events: input.events ?? [...DEFAULT_EVENTS] });
    if (!created) throw new AppError("username_taken", "that username is taken");
    return { bot: toBot((await bots.bot(user.id))!), token };
  }

  async list(ownerId: string): Promise<Bot[]> {
    return (await this.deps.bots.botsOf(ownerId)).map(toBot);
  }

  async delete(ownerId: string, botId: string): Promise<void> {
    const bot = await this.#owned(ownerId, botId);
    await this.deps.bots.deleteBot(bot.id);
    await this.#revoked(bot);
    await this.deps.onWebhookChanged?.(botId);
  }

  /** A new token; the old one stops at once here, within TOKEN_TRUST_MS elsewhere. */
  async rotate(ownerId: string, botId: string) {
    const bot = await this.#owned(ownerId, botId);
    const token = newToken();
    await this.deps.bots.setTokenHash(bot.id, await sha256Hex(token));
    await this.#revoked(bot);
    return { bot: toBot(bot), token };
  }

  /** The claims of a bot token that is current, else null. */
  async authenticate(token: string): Promise<AccessClaims | null> {
    if (!isBotToken(token) || token.length > 128) return null;
    const hash = await sha256Hex(token);
    const now = this.deps.clock.now();
    const trusted = this.#trusted.get(hash);
    if (trusted && trusted.until > now) return trusted.claims;
    const revocations = this.#revocations;
    const found = await this.deps.bots.botByTokenHash(hash);
    if (!found) return null;
    const claims: AccessClaims = { userId: found.id, loginId: botLoginId(hash), scopes: found.scopes };
    if (revocations === this.#revocations) {
      if (this.#trusted.size >= MAX_TRUSTED_TOKENS) this.#trusted.clear();
      this.#trusted.set(hash, { claims, until: now + TOKEN_TRUST_MS });
    }
    return claims;
  }

  // ---- delivery settings: the owner, or the bot itself ----------------------------------------

  async setWebhook(callerId: string, botId: string, input: { url: string; secret: string | null; events?: EventType[]; format?: Webhook["format"] }) {
    const bot = await this.#manageable(callerId, botId);
    await this.deps.checkWebhookUrl(input.url);
    await this.deps.bots.setWebhook(bot.id, { url: input.url, secret: input.secret, format: input.format ?? "parley" }, input.events);
    await this.deps.onWebhookChanged?.(bot.id);
    return this.webhook(callerId, botId);
  }

  async deleteWebhook(callerId: string, botId: string): Promise<void> {
    const bot = await this.#manageable(callerId, botId);
    await this.deps.bots.setWebhook(bot.id, null);
    await this.deps.onWebhookChanged?.(bot.id);
  }

  async webhook(callerId: string, botId: string): Promise<WebhookInfo> {
    const bot = await this.#manageable(callerId, botId);
    const pending = await this.deps.outbox.countPending(bot.id, this.deps.clock.now() - this.deps.policy.retentionMs);
    return { url: bot.webhook?.url ?? null, events: bot.events, pending, lastError: bot.lastError, lastErrorAt: bot.lastErrorAt };
  }

  async failures(callerId: string, botId: string, limit = 100) {
    const bot = await this.#manageable(callerId, botId);
    return this.deps.outbox.failures(bot.id, limit);
  }

  /** Confirms every pending event of the bot (Telegram's drop_pending_updates). */
  dropPending(botId: string): Promise<void> {
    return this.deps.outbox.confirm(botId, Number.MAX_SAFE_INTEGER);
  }

  /** The bot as stored (its own settings), for the bot itself. */
  async self(botId: string): Promise<BotRecord> {
    const bot = await this.deps.bots.bot(botId);
    if (!bot) throw new AppError("unauthorized", "the bot no longer exists");
    return bot;
  }

  async #owned(ownerId: string, botId: string): Promise<BotRecord> {
    const bot = await this.deps.bots.bot(botId);
    if (!bot || bot.ownerId !== ownerId) throw notFound("bot");
    return bot;
  }

  async #manageable(callerId: string, botId: string): Promise<BotRecord> {
    const bot = await this.deps.bots.bot(botId);
    if (!bot || (bot.ownerId !== callerId && bot.id !== callerId)) throw notFound("bot");
    return bot;
  }

  /** The bot's old token stops here at once: no longer trusted; its sockets and long polls told. */
  async #revoked(bot: BotRecord): Promise<void> {
    this.#revocations++;
    this.#trusted.delete(bot.tokenHash);
    await this.deps.onTokenRevoked?.(botLoginId(bot.tokenHash), bot.id);
  }
}

const newToken = () => `${BOT_TOKEN_PREFIX}${randomToken(32)}`;
