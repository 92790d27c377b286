// What a session asks of the domain (RealtimeBackend), and that backend for a node that holds the
// domain services itself (the Bun server; on Workers the user objects build theirs the same way).
import type { Services } from "../core/services.ts";
import type { AccessClaims } from "../core/ports.ts";
import type { SendBody } from "../schema/entries.ts";
import type { Message, MessagePage } from "../schema/messages.ts";

/** What a session asks of the domain; on Bun these are the services, on Workers the objects. */
export interface RealtimeBackend {
  authenticate(token: string): Promise<AccessClaims | null>;
  send(userId: string, conv: string, input: { clientId: string; body: SendBody }, sourceConnection: string): Promise<{ message: Message; created: boolean }>;
  history(userId: string, conv: string, range: { after: number; limit: number; maxBytes: number }): Promise<MessagePage>;
  /** Which of these conversations the user may read (hello's cursors are checked at once). */
  readable(userId: string, convs: string[]): Promise<string[]>;
  markDelivered(userId: string, conv: string, seq: number, sourceConnection: string): Promise<unknown>;
  markRead(userId: string, conv: string, seq: number, sourceConnection: string): Promise<unknown>;
  typing(userId: string, conv: string, sourceConnection: string): Promise<void>;
  /**
   * The last seq of each of the user's conversations. Given by a backend whose live events can
   * arrive out of commit order (several nodes relaying to each other): hello then pins "live" to
   * exactly what commits after it, instead of to the first message that happens to arrive.
   */
  positions?(userId: string): Promise<Record<string, number>>;
}

export const servicesBackend = ({ accounts, conversations, messages, list }: Services, opts: { multiNode: boolean }): RealtimeBackend => ({
  authenticate: (token) => accounts.authenticate(token),
  send: (userId, conv, input, sourceConnection) => messages.send(userId, conv, input, sourceConnection),
  history: (userId, conv, range) => messages.history(userId, conv, range),
  readable: (userId, convs) => conversations.readable(userId, convs),
  markDelivered: (userId, conv, seq, sourceConnection) => messages.markDelivered(userId, conv, seq, sourceConnection),
  markRead: (userId, conv, seq, sourceConnection) => messages.markRead(userId, conv, seq, sourceConnection),
  typing: (userId, conv) => messages.typing(userId, conv),
  // One node publishes in commit order; several relay to each other with delays.
  positions: opts.multiNode
    ? (userId) => list.positions(userId)
    : undefined,
});
