// Bots on a Bun node: the event sink beside the hub (same events, in commit order), long polls
// woken by it, and webhook deliveries run in this process off the commit path. The outbox is in
// the database, so a restart (kill -9 included) resumes every pending delivery, and the events of
// entries committed just before a crash are caught up from the log (bot-events.ts).
import { lookup } from "node:dns/promises";
import type { Config } from "../../config.ts";
import { BotEventSink } from "../../core/bot-events.ts";
import type { Metrics } from "../../core/metrics.ts";
import { outboxLimits } from "../../core/bots.ts";
import type { EventSink } from "../../core/events.ts";
import { systemClock } from "../../core/ports.ts";
import type { BotWiring, Services } from "../../core/services.ts";
import type { Store } from "../../core/store/index.ts";
import { allowedUpdate } from "../../core/telegram/view.ts";
import { WebhookDeliveries } from "../../core/webhook-deliveries.ts";
import { log } from "../../log.ts";
import { botPolicyFrom, webhookRulesFrom } from "../bots.ts";

/** A sweep that also catches what other nodes appended, and prunes old events. */
const SWEEP_MS = 30_000;

export function bunBots(config: Config, store: Store, metrics: Metrics) {
  const onError = (error: unknown) => log("bots").error("bots: {error}", { error });
  const policy = botPolicyFrom(config);
  const urlRules = webhookRulesFrom(config, async (host) => (await lookup(host, { all: true })).map((a) => a.address));
  let services: Services | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Infinity;
  const deliveries = new WebhookDeliveries({
    outbox: store.botOutbox,
    bots: store.bots,
    clock: systemClock,
    policy,
    urlRules,
    toTelegram: async (botId, event) => {
      const update = await services!.telegram.update(botId, event);
      return update && allowedUpdate(update, []) ? update : null;
    },
    schedule(at) {
      if (at >= timerAt) return;
      clearTimeout(timer);
      timerAt = at;
      timer = setTimeout(() => {
        timerAt = Infinity;
        void deliveries.run();
      }, at - Date.now());
    },
    onError,
    metrics,
  });
  const sink = new BotEventSink({
    bots: store.bots,
    outbox: store.botOutbox,
    clock: systemClock,
    policy,
    onAppended: (targets) => {
      services?.updates.wake(targets.map((t) => t.id));
      if (targets.some((t) => t.webhook)) void deliveries.run();
    },
    onError,
  });
  const wiring: BotWiring = { policy, urlRules, pollIntervalMs: 1000, wakePolls: true, sink, onWebhookChanged: () => void deliveries.run() };
  const sweep = setInterval(() => {
    void deliveries.run();
    store.botOutbox.prune(outboxLimits(policy, Date.now())).catch(onError);
  }, SWEEP_MS);
  return {
    wiring,
    /** the hub's events and the bots' */
    events: (hub: EventSink): EventSink => ({
      publish(event) {
        hub.publish(event);
        sink.publish(event);
      },
    }),
    /**
     * Events of entries committed before a crash but never appended are appended first (before
     * the live ones, which queue behind); then deliveries pending from before the restart start.
     */
    start(built: Services) {
      services = built;
      void sink.catchUp(store.messageLog).then(() => deliveries.run());
    },
    stop() {
      clearInterval(sweep);
      clearTimeout(timer);
    },
  };
}
