// Webhook deliveries from the bots' outbox: at least once (an event leaves the outbox only after
// its endpoint answered 2xx), in order per conversation (only the first pending event of a
// (bot, conversation) is ever in flight: a failing one holds back the later ones), retried with
// exponential backoff and jitter (the first retry within a few seconds) for `retryForMs`, then
// listed as a failure with its last error. Off the commit path, with a timeout per call, bounded
// concurrency overall and per bot: a slow or dead endpoint delays nobody else.
import type { BotEvent } from "../schema/bots.ts";
import type { BotPolicy } from "./bots.ts";
import { noMetrics, type Metrics } from "./metrics.ts";
import type { Clock } from "./ports.ts";
import type { BotOutbox, DueDelivery } from "./store/bot-outbox.ts";
import type { BotStore } from "./store/bots.ts";
import { checkWebhookUrl, type WebhookUrlRules } from "./webhook-url.ts";

export interface WebhookDeliveriesDeps {
  outbox: BotOutbox;
  bots: BotStore;
  clock: Clock;
  policy: BotPolicy;
  urlRules: WebhookUrlRules;
  /** A Telegram-format webhook's body: the event as an Update; null when Telegram has none for it. */
  toTelegram(botId: string, event: BotEvent): Promise<object | null>;
  /** When to run again (Bun: a timer; Workers: the bot object's alarm). */
  schedule(at: number): void;
  onError(error: unknown): void;
  metrics?: Metrics;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** per call (default 10 s) */
  timeoutMs?: number;
  /** calls in flight at once (default 16), and per bot (default 2) */
  concurrency?: number;
  perBot?: number;
}

/** How long after the `attempt`-th failure the next try is due: 2 s doubling to 1 h, ±50 %. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(2_000 * 2 ** Math.min(attempt - 1, 20), 3_600_000);
  return Math.round(base * (0.5 + random()));
}

/** `Parley-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export async function signature(secret: string, body: string, unixSeconds: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${unixSeconds}.${body}`));
  return `t=${unixSeconds},v1=${[...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class WebhookDeliveries {
  readonly #inFlight = new Set<number>();
  readonly #perBot = new Map<string, number>();
  #pumping: Promise<void> | null = null;
  #again = false;
  readonly #fetch: (url: string, init: RequestInit) => Promise<Response>;

  constructor(
    private readonly deps: WebhookDeliveriesDeps,
    /** only this bot's deliveries (a Workers bot object), else every bot's */
    private readonly botId?: string,
  ) {
    this.#fetch = deps.fetch ?? ((url, init) => globalThis.fetch(url, init));
  }

  /** Starts what is due now and schedules the next run; resolves when that is decided. */
  run(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return this.#pumping;
    }
    this.#pumping = (async () => {
      do {
        this.#again = false;
        await this.#startDue();
      } while (this.#again);
    })()
      .catch((error) => this.deps.onError(error))
      .finally(() => (this.#pumping = null));
    return this.#pumping;
  }

  /** Resolves when no call is in flight (Workers: the alarm handler waits for it). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0 || this.#pumping) await (this.#pumping ?? new Promise((r) => setTimeout(r, 20)));
  }

  async #startDue(): Promise<void> {
    const { outbox, clock } = this.deps;
    const concurrency = this.deps.concurrency ?? 16;
    if (this.#inFlight.size < concurrency) {
      const due = await outbox.dueDeliveries(clock.now(), 4 * concurrency, this.botId);
      for (const d of due) {
        if (this.#inFlight.size >= concurrency) break;
        if (this.#inFlight.has(d.event.id) || (this.#perBot.get(d.botId) ?? 0) >= (this.deps.perBot ?? 2)) continue;
        this.#start(d);
      }
    }
    const next = await outbox.nextDue(this.botId);
    if (next !== null) this.deps.schedule(Math.max(next, clock.now() + 50));
  }

  #start(d: DueDelivery): void {
    this.#inFlight.add(d.event.id);
    this.#perBot.set(d.botId, (this.#perBot.get(d.botId) ?? 0) + 1);
    void this.#deliver(d)
      .catch((error) => this.deps.onError(error))
      .finally(() => {
        this.#inFlight.delete(d.event.id);
        const n = (this.#perBot.get(d.botId) ?? 1) - 1;
        if (n === 0) this.#perBot.delete(d.botId);
        else this.#perBot.set(d.botId, n);
        void this.run(); // the next of its conversation, or what waited for a slot
      });
  }

  async #deliver(d: DueDelivery): Promise<void> {
    const { outbox, bots, clock, policy } = this.deps;
    const metrics = this.deps.metrics ?? noMetrics;
    const error = await this.#post(d);
    if (error === null) {
      metrics.inc("parley_webhook_deliveries_total", { result: "delivered" });
      return outbox.delivered(d.event.id);
    }
    const now = clock.now();
    const over = now - d.createdAt >= policy.retryForMs;
    metrics.inc("parley_webhook_deliveries_total", { result: over ? "failed" : "retried" });
    if (over) await outbox.failed(d.event.id, error);
    else await outbox.retryAt(d.event.id, now + backoffMs(d.attempts + 1), error);
    await bots.recordError(d.botId, error, now);
  }

  /** One call; null when the endpoint took the event, else why not. */
  async #post(d: DueDelivery): Promise<string | null> {
    const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": "Parley-Webhook" };
    let body: string;
    if (d.webhook.format === "telegram") {
      const update = await this.deps.toTelegram(d.botId, d.event);
      if (update === null) return null; // nothing Telegram would deliver: done with it
      body = JSON.stringify(update);
      if (d.webhook.secret) headers["X-Telegram-Bot-Api-Secret-Token"] = d.webhook.secret;
    } else {
      body = JSON.stringify(d.event);
      headers["Parley-Event-Id"] = String(d.event.id);
      headers["Parley-Signature"] = await signature(d.webhook.secret ?? "", body, Math.floor(this.deps.clock.now() / 1000));
    }
    try {
      // Checked at every delivery: what the name resolves to may have changed since it was set.
      await checkWebhookUrl(d.webhook.url, this.deps.urlRules);
      const res = await this.#fetch(d.webhook.url, {
        method: "POST",
        headers,
        body,
        redirect: "manual", // a redirect is not followed (it could point anywhere)
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
      });
      await res.body?.cancel();
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (err) {
      return err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
    }
  }
}
