// Fan-out between server nodes: what one node publishes on a channel reaches every node subscribed
// to it, the publisher included. Delivery is at most once, in publish order per publisher and
// channel, and only to subscriptions that were established before the publish: nothing is stored
// or replayed, so a node that must not miss anything catches up from the store.

export type Unsubscribe = () => void;

export interface EventBus {
  publish(channel: string, payload: string): Promise<void>;
  /** Resolves once the subscription is live; the returned function ends it and frees its connection. */
  subscribe(channel: string, onMessage: (payload: string) => void): Promise<Unsubscribe>;
}

// Upstash carries the channel name unescaped in the subscribe URL and splits its stream lines on
// commas; one rule for every implementation keeps a name that works in memory working in Redis.
const CHANNEL = /^[A-Za-z0-9_.:-]{1,200}$/;

export function assertChannel(channel: string): string {
  if (!CHANNEL.test(channel)) throw new RangeError(`invalid bus channel ${JSON.stringify(channel)}: use 1-200 of A-Z a-z 0-9 _ . : -`);
  return channel;
}

// The Upstash client ends a subscription whose stream carries a line over 1 MiB, and a payload
// travels JSON-escaped (up to 6 code units per character): this bound keeps every line under it.
/** The largest payload, in UTF-16 code units. */
export const MAX_BUS_PAYLOAD = 128 * 1024;

export function assertPayload(payload: string): string {
  if (payload.length > MAX_BUS_PAYLOAD) throw new RangeError(`bus payload of ${payload.length} chars exceeds ${MAX_BUS_PAYLOAD}`);
  return payload;
}
