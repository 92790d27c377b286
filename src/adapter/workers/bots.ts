// Bots on Workers: a bot event sink wherever events are committed (each conversation object, and
// the Worker for created conversations) that pokes the bot's object (bot-object.ts) when it has
// a webhook; long polls look at the outbox every POLL_INTERVAL_MS (a Worker request cannot be
// woken by another request's work).
import { BotEventSink } from "../../core/bot-events.ts";
import { systemClock } from "../../core/ports.ts";
import type { BotWiring } from "../../core/services.ts";
import { log } from "../../log.ts";
import { botPolicyFrom, webhookRulesFrom } from "../bots.ts";
import type { Env } from "./env.ts";
import type { Runtime } from "./runtime.ts";

const POLL_INTERVAL_MS = 250;

export const botObject = (env: Env, botId: string) => env.BOTS.get(env.BOTS.idFromName(botId));

/** `failed`: told of every append that failed (logged here), for a caller that tries again. */
export function workersBotSink(env: Env, rt: Runtime, failed?: (error: unknown) => void): BotEventSink {
  const { store } = rt.deps;
  return new BotEventSink({
    bots: store.bots,
    outbox: store.botOutbox,
    clock: systemClock,
    policy: botPolicyFrom(rt.settings.config),
    onAppended: async (targets) => {
      await Promise.all(targets.filter((t) => t.webhook).map((t) => botObject(env, t.id).poke(t.id)));
    },
    onError: (error) => {
      log("bots").warning("bot events not stored: {error}", { error });
      failed?.(error);
    },
  });
}

export function workersBotWiring(env: Env, rt: Runtime, sink: BotEventSink): BotWiring {
  const { config } = rt.settings;
  return {
    policy: botPolicyFrom(config),
    urlRules: webhookRulesFrom(config),
    pollIntervalMs: POLL_INTERVAL_MS,
    wakePolls: false,
    sink,
    onWebhookChanged: (botId) => botObject(env, botId).poke(botId),
  };
}
