// Shared by the SDK tests: clients bound to test users, event recorders, waiting with deadlines.
import { ParleyClient, type Message, type ParleyClientOptions, type ParleyEvents } from "../../src/client/index.ts";
import type { TestUser } from "../support/api.ts";

/** Fast reconnects so the tests do not wait on production backoff. */
export const FAST_RECONNECT = { minDelayMs: 20, maxDelayMs: 200 } as const;

export function clientFor(baseUrl: string, user: TestUser, options: Partial<ParleyClientOptions> = {}): ParleyClient {
  return new ParleyClient({
    baseUrl,
    tokens: { accessToken: user.accessToken, refreshToken: user.refreshToken },
    reconnect: FAST_RECONNECT,
    ...options,
  });
}

/** Records a client's events as they happen. */
export function record(client: ParleyClient) {
  const events = {
    msgs: [] as Message[],
    receipts: [] as ParleyEvents["receipt"][],
    typing: [] as ParleyEvents["typing"][],
    connected: [] as ParleyEvents["connected"][],
    disconnected: [] as ParleyEvents["disconnected"][],
    errors: [] as ParleyEvents["error"][],
    acks: [] as ParleyEvents["ack"][],
  };
  client.on("msg", (m) => events.msgs.push(m));
  client.on("receipt", (r) => events.receipts.push(r));
  client.on("typing", (t) => events.typing.push(t));
  client.on("connected", (c) => events.connected.push(c));
  client.on("disconnected", (d) => events.disconnected.push(d));
  client.on("error", (e) => events.errors.push(e));
  client.on("ack", (a) => events.acks.push(a));
  return {
    ...events,
    /** the seqs emitted for one conversation, in emission order */
    seqs: (conv: string) => events.msgs.filter((m) => m.conv === conv).map((m) => m.seq),
  };
}

/** Resolves once `condition` holds (checked every 10 ms), or fails after `timeoutMs` with `label`. */
export async function waitUntil(condition: () => boolean, label: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise that fails after `timeoutMs` with `label` unless `promise` settles first. */
export function within<T>(promise: Promise<T>, label: string, timeoutMs = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${label}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const text = (t: string) => ({ type: "text" as const, text: t });

/** Every message of a conversation over HTTP, in seq order. */
export async function fullHistory(token: string, base: string, conv: string): Promise<Message[]> {
  const items: Message[] = [];
  for (let after = 0; ; ) {
    const res = await fetch(`${base}/v1/conversations/${conv}/messages?after=${after}&limit=200`, { headers: { Authorization: `Bearer ${token}` } });
    const page = (await res.json()) as { items: Message[]; hasMore: boolean };
    items.push(...page.items);
    if (!page.hasMore) return items;
    after = page.items.at(-1)!.seq;
  }
}
