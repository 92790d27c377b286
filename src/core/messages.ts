// Messages: the send path (authorize → group commit with seq → events in seq order), history,
// and the delivered/read receipts.
import { MAX_PAGE_BYTES, type Message, type MessageBody, type MessagePage } from "../schema/messages.ts";
import type { Contacts } from "./contacts.ts";
import type { Conversations } from "./conversations.ts";
import type { EventSink } from "./events.ts";
import { GroupCommitter } from "./group-commit.ts";
import type { Clock } from "./ports.ts";
import { newId } from "./random.ts";
import type { MessageLog, NewMessage } from "./store/message-log.ts";
import type { ReceiptStore } from "./store/receipts.ts";

interface Submission {
  message: NewMessage;
  members: string[];
  sourceConnection?: string;
}
type Stored = { message: Message; created: boolean };
/** A page of history: `after` or `before` a seq (or the newest), at most `limit` items and `maxBytes` of bodies. */
export type HistoryRange = { after?: number; before?: number; limit: number; maxBytes?: number };

/**
 * What the HTTP routes and realtime backends need of messages. `Messages` is the implementation
 * that commits; on Workers the routes get one that forwards the writes to the conversation's
 * Durable Object (which runs `Messages`) and reads history from the store.
 */
export interface MessageService {
  send(userId: string, convId: string, input: { clientId: string; body: MessageBody }, sourceConnection?: string): Promise<Stored>;
  history(userId: string, convId: string, range: HistoryRange): Promise<MessagePage>;
  markRead(userId: string, convId: string, seq: number, sourceConnection?: string): Promise<{ readSeq: number; unread: number }>;
  markDelivered(userId: string, convId: string, seq: number, sourceConnection?: string): Promise<number>;
  typing(userId: string, convId: string): Promise<void>;
}

export class Messages implements MessageService {
  readonly #committer: GroupCommitter<Submission, Stored>;

  constructor(private readonly deps: { messageLog: MessageLog; receipts: ReceiptStore; conversations: Conversations; contacts: Pick<Contacts, "requireCanSend">; events: EventSink; clock: Clock }) {
    this.#committer = new GroupCommitter<Submission, Stored>(
      (subs) => deps.messageLog.appendMessages(subs.map((s) => s.message)),
      // Synchronous and in commit order, so every device sees a conversation's seqs in order.
      (subs, results) =>
        results.forEach((r, i) => {
          const sub = subs[i]!;
          if (r.created) deps.events.publish({ type: "message", message: r.message, members: sub.members, sourceConnection: sub.sourceConnection });
        }),
    );
  }

  /**
   * Commits a message (or finds the one already sent with this clientId) and resolves after the
   * durable commit. `sourceConnection` names the connection that sent it, which gets an ack, not a msg.
   */
  async send(userId: string, convId: string, input: { clientId: string; body: MessageBody }, sourceConnection?: string): Promise<Stored> {
    const members = await this.deps.conversations.requireMember(userId, convId);
    await this.deps.contacts.requireCanSend(userId, convId, members); // blocks, DIRECT_MESSAGES (contacts.ts)
    const message: NewMessage = { id: newId(), conv: convId, sender: userId, clientId: input.clientId, ts: this.deps.clock.now(), body: input.body };
    return this.#committer.submit({ message, members, sourceConnection });
  }

  async history(userId: string, convId: string, range: HistoryRange): Promise<MessagePage> {
    await this.deps.conversations.requireMember(userId, convId);
    return this.deps.messageLog.history(convId, { ...range, maxBytes: range.maxBytes ?? MAX_PAGE_BYTES });
  }

  async markRead(userId: string, convId: string, seq: number, sourceConnection?: string): Promise<{ readSeq: number; unread: number }> {
    const members = await this.deps.conversations.requireMember(userId, convId);
    const result = await this.deps.receipts.markRead(convId, userId, seq);
    this.deps.events.publish({ type: "receipt", conv: convId, user: userId, kind: "read", seq: result.readSeq, members, sourceConnection });
    return result;
  }

  async markDelivered(userId: string, convId: string, seq: number, sourceConnection?: string): Promise<number> {
    const members = await this.deps.conversations.requireMember(userId, convId);
    const deliveredSeq = await this.deps.receipts.markDelivered(convId, userId, seq);
    this.deps.events.publish({ type: "receipt", conv: convId, user: userId, kind: "delivered", seq: deliveredSeq, members, sourceConnection });
    return deliveredSeq;
  }

  async typing(userId: string, convId: string): Promise<void> {
    const members = await this.deps.conversations.requireMember(userId, convId);
    await this.deps.contacts.requireCanSend(userId, convId, members); // as for sends: no typing across a block
    this.deps.events.publish({ type: "typing", conv: convId, user: userId, members });
  }
}
