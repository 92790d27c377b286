// One Durable Object per bot (idFromName(botId)): its webhook deliveries, off every commit path.
// Poked when events were appended for the bot (by the conversation objects) or its webhook
// changed; the core's WebhookDeliveries runs them (head of line per conversation, bounded
// concurrency, timeouts) and names when to run again, which becomes the object's alarm, so
// retries happen even if the object was evicted meanwhile. The outbox itself is in the database.
import { DurableObject } from "cloudflare:workers";
import { WebhookDeliveries } from "../../core/webhook-deliveries.ts";
import { systemClock } from "../../core/ports.ts";
import { createServices } from "../../core/services.ts";
import { allowedUpdate } from "../../core/telegram/view.ts";
import { log } from "../../log.ts";
import { botPolicyFrom, webhookRulesFrom } from "../bots.ts";
import type { Env } from "./env.ts";
import { remoteLogStore } from "./remote-log.ts";
import type { BotRpc } from "./rpc.ts";
import { objectRuntime } from "./runtime.ts";

const BOT = "botId";

export class BotObject extends DurableObject<Env> implements BotRpc {
  #deliveries: WebhookDeliveries | undefined;

  /** Events were appended for this bot, or its webhook changed: deliver what is due. */
  async poke(botId: string): Promise<void> {
    await this.ctx.storage.put(BOT, botId);
    const deliveries = this.#for(botId);
    await deliveries.run();
    this.ctx.waitUntil(deliveries.idle());
  }

  override async alarm(): Promise<void> {
    const botId = await this.ctx.storage.get<string>(BOT);
    if (!botId) return;
    const deliveries = this.#for(botId);
    await deliveries.run();
    await deliveries.idle();
  }

  #for(botId: string): WebhookDeliveries {
    if (this.#deliveries) return this.#deliveries;
    const rt = objectRuntime(this.env);
    const { config } = rt.settings;
    // Telegram updates name other entries (the one replied to, the one edited): under
    // LOG_PLACEMENT=object they are read from their conversation's object, as the Worker does.
    const store = rt.settings.logPlacement === "object" ? remoteLogStore(this.env, rt.deps.store) : rt.deps.store;
    const telegram = createServices({ ...rt.deps, store }).telegram;
    this.#deliveries = new WebhookDeliveries(
      {
        outbox: rt.deps.store.botOutbox,
        bots: rt.deps.store.bots,
        clock: systemClock,
        policy: botPolicyFrom(config),
        urlRules: webhookRulesFrom(config), // no resolver on Workers: see docs/protocol.md
        metrics: rt.metricsFor("bot"),
        toTelegram: async (id, event) => {
          const update = await telegram.update(id, event);
          return update && allowedUpdate(update, []) ? update : null;
        },
        schedule: (at) => {
          this.ctx.waitUntil(
            (async () => {
              const current = await this.ctx.storage.getAlarm();
              if (current === null || current > at) await this.ctx.storage.setAlarm(at);
            })(),
          );
        },
        onError: (error) => log("bots").warning("webhook delivery of bot {bot} failed: {error}", { bot: botId, error }),
        concurrency: 4,
      },
      botId,
    );
    return this.#deliveries;
  }
}
