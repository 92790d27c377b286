// What is called on the Durable Objects (DO RPC), as interfaces: the bindings (env.ts) and the
// callers (objects.ts) know the objects by these, never by their classes, which implement them.
// Only the message of an Error survives the trip, so the domain's AppError travels as a value
// (Outcome) and is thrown again on the caller's side (objects.ts).
import type { PresenceStatus } from "../../core/presence.ts";
import type { ErrorCode } from "../../schema/errors.ts";
import type { Message, MessageBody } from "../../schema/messages.ts";

export type Outcome<T> = { ok: T } | { error: { code: ErrorCode; message: string; details?: unknown } };

/** One per conversation (conversation-object.ts): the single writer of its log, and its fan-out. */
export interface ConversationRpc extends Rpc.DurableObjectBranded {
  send(
    userId: string,
    conv: string,
    input: { clientId: string; body: MessageBody },
    sourceConnection?: string,
  ): Promise<Outcome<{ message: Message; created: boolean }>>;
  markRead(userId: string, conv: string, seq: number, sourceConnection?: string): Promise<Outcome<{ readSeq: number; unread: number }>>;
  markDelivered(userId: string, conv: string, seq: number, sourceConnection?: string): Promise<Outcome<number>>;
  typing(userId: string, conv: string): Promise<Outcome<void>>;
  /** Something changed between the two users of this direct conversation (a block, a friendship): its sends look again. */
  pairChanged(a: string, b: string): Promise<void>;
}

/** One per user (user-object.ts): that user's sockets; WebSocket upgrades arrive by fetch(). */
export interface UserRpc extends Rpc.DurableObjectBranded {
  /** A committed message, serialised once by its conversation; `sourceConnection` gets no echo. */
  deliver(userId: string, message: Message, text: string, sourceConnection?: string): Promise<void>;
  /** A receipt, typing or presence frame; `except` is the connection that caused it. */
  notify(userId: string, text: string, except?: string): Promise<void>;
  /** GET /v1/presence, for this object's user. */
  presence(userId: string): Promise<PresenceStatus>;
  /** A revoked login: its sockets close (4010), and a hello racing the revocation is refused. */
  kickLogin(loginId: string): Promise<void>;
}
