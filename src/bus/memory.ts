// The event bus of a single process: for one Bun node, or tests. Delivery is asynchronous, as over
// Redis, so a handler never runs inside publish().
import { assertChannel, assertPayload, type EventBus, type Unsubscribe } from "../core/bus.ts";
import { log } from "../log.ts";

type Handler = (payload: string) => void;

export class MemoryBus implements EventBus {
  // Each subscription is its own set entry, so one function subscribed twice is called twice.
  readonly #channels = new Map<string, Set<{ handler: Handler }>>();

  async publish(channel: string, payload: string): Promise<void> {
    assertPayload(payload);
    const subscriptions = this.#channels.get(assertChannel(channel));
    for (const subscription of subscriptions ?? []) {
      queueMicrotask(() => {
        // unsubscribed meanwhile: stop means stop
        if (subscriptions?.has(subscription)) deliver(channel, subscription.handler, payload);
      });
    }
  }

  async subscribe(channel: string, onMessage: Handler): Promise<Unsubscribe> {
    const subscriptions = this.#channels.get(assertChannel(channel)) ?? new Set();
    this.#channels.set(channel, subscriptions);
    const subscription = { handler: onMessage };
    subscriptions.add(subscription);
    return () => {
      subscriptions.delete(subscription);
      if (subscriptions.size === 0 && this.#channels.get(channel) === subscriptions) this.#channels.delete(channel);
    };
  }

  /** Live subscriptions on a channel. */
  subscribers(channel: string): number {
    return this.#channels.get(channel)?.size ?? 0;
  }
}

function deliver(channel: string, handler: Handler, payload: string): void {
  try {
    handler(payload);
  } catch (error) {
    log("bus").error("handler of {channel} failed: {error}", { channel, error });
  }
}
