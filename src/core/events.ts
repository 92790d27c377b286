// What the domain announces after a change is committed. The realtime layer (one hub per Bun
// process, or the Durable Objects on Workers) turns these into frames for connected devices.
import type { Conversation } from "../schema/conversations.ts";
import type { ContactChange } from "../schema/contacts.ts";
import type { SettingsChange } from "../schema/conversation-list.ts";
import type { Message } from "../schema/messages.ts";

export type DomainEvent =
  | { type: "message"; message: Message; members: readonly string[]; sourceConnection?: string }
  /** members were added: their sockets get the conversation, then its log from `from` */
  | { type: "joined"; conv: string; users: readonly string[]; conversation: Conversation; from: number }
  | { type: "receipt"; conv: string; user: string; kind: "delivered" | "read"; seq: number; members: readonly string[]; sourceConnection?: string }
  | { type: "typing"; conv: string; user: string; members: readonly string[]; sourceConnection?: string }
  | { type: "contact"; change: ContactChange; users: readonly string[]; sourceConnection?: string }
  /** the user's own list entry of a conversation changed (conversation-list.ts): its devices only */
  | { type: "settings"; user: string; settings: SettingsChange; sourceConnection?: string };

// `sourceConnection` is the connection that caused the event: it gets an ack (or nothing), not the echo.

export interface EventSink {
  /**
   * A sink may return a promise that settles once the event reached its recipients (Workers: the
   * users' objects); a caller that answers a request after a change awaits it (contacts.ts), so
   * the client's next request comes after the frames.
   */
  publish(event: DomainEvent): void | Promise<void>;
}

export const noEvents: EventSink = { publish: () => {} };
