// The event bus across nodes through Upstash Redis: PUBLISH, and SUBSCRIBE as the REST API's
// server-sent events, one stream per subscription.
import type { Redis } from "@upstash/redis";
import { assertChannel, assertPayload, type EventBus, type Unsubscribe } from "../core/bus.ts";
import { log } from "../log.ts";
import { upstashClient, type UpstashConfig } from "../upstash.ts";

export interface UpstashBusOptions extends UpstashConfig {
  /** every channel starts with it (default "parley:"); tests use a unique one */
  prefix?: string;
  /** how long subscribe() waits for Redis to confirm (default 10 s) */
  subscribeTimeoutMs?: number;
}

export class UpstashBus implements EventBus {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #timeoutMs: number;

  constructor(options: UpstashBusOptions) {
    this.#redis = upstashClient(options);
    this.#prefix = options.prefix ?? "parley:";
    this.#timeoutMs = options.subscribeTimeoutMs ?? 10_000;
    assertChannel(`${this.#prefix}x`); // the prefix obeys the channel rule too
  }

  async publish(channel: string, payload: string): Promise<void> {
    // JSON-encoded: the stream is line-based, so a raw newline would cut the payload short
    await this.#redis.publish(this.#prefix + assertChannel(channel), JSON.stringify(assertPayload(payload)));
  }

  async subscribe(channel: string, onMessage: (payload: string) => void): Promise<Unsubscribe> {
    const subscriber = this.#redis.subscribe<string>(this.#prefix + assertChannel(channel));
    // aborts the stream's request, which closes its connection and the Redis subscription behind it
    const unsubscribe = () => void subscriber.unsubscribe();
    subscriber.on("message", ({ message }) => {
      // the client would report a throwing handler as a message it failed to parse
      try {
        const payload: unknown = JSON.parse(message);
        if (typeof payload === "string") onMessage(payload);
      } catch (error) {
        log("bus").error("message on {channel} failed: {error}", { channel, error });
      }
    });
    return new Promise((resolve, reject) => {
      let confirmed = false;
      const fail = (error: unknown) => {
        if (confirmed) return log("bus").error("subscription to {channel} failed: {error}", { channel, error });
        clearTimeout(timer);
        unsubscribe();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`subscription to ${channel} not confirmed within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      subscriber.on("error", fail);
      // SUBSCRIBE's own confirmation: from here on, every publish reaches this subscription
      subscriber.on("subscribe", () => {
        confirmed = true;
        clearTimeout(timer);
        resolve(unsubscribe);
      });
    });
  }
}
