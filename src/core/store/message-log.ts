// Each conversation's log of messages, numbered by seq 1, 2, 3 … with no gap.
import type { Message, MessageBody, MessagePage } from "../../schema/messages.ts";

/** A message as handed to the store for appending; the store assigns `seq`. */
export interface NewMessage {
  id: string;
  conv: string;
  sender: string;
  clientId: string;
  ts: number;
  body: MessageBody;
}

export interface MessageLog {
  /**
   * Appends a batch in ONE transaction: each new message gets the next seq of its conversation;
   * a (conv, sender, clientId) already stored yields the stored message instead (created=false).
   * Resolves only after the commit.
   */
  appendMessages(batch: NewMessage[]): Promise<{ message: Message; created: boolean }[]>;
  /** At most `limit` items, and no more than `maxBytes` of bodies (but at least one item). */
  history(convId: string, range: { after?: number; before?: number; limit: number; maxBytes: number }): Promise<MessagePage>;
}
