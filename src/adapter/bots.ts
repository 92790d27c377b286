// Bot settings from the configuration, the same on both runtimes: the outbox and retry policy,
// and which webhook URLs may be called. Production mode (NODE_ENV=production) allows https only.
import type { Config } from "../config.ts";
import { defaultBotPolicy, type BotPolicy } from "../core/bots.ts";
import type { WebhookUrlRules } from "../core/webhook-url.ts";

export const botPolicyFrom = (config: Config): BotPolicy => ({
  ...defaultBotPolicy,
  maxBotsPerUser: config.MAX_BOTS_PER_USER,
  maxOutbox: config.BOT_OUTBOX_MAX,
  retentionMs: config.BOT_RETENTION_HOURS * 3_600_000,
  retryForMs: config.WEBHOOK_RETRY_FOR_S * 1000,
});

export const webhookRulesFrom = (config: Config, resolve?: WebhookUrlRules["resolve"]): WebhookUrlRules => ({
  allowPrivate: config.WEBHOOK_ALLOW_PRIVATE === "1",
  httpsOnly: config.NODE_ENV === "production",
  resolve,
});
