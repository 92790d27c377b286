// Each conversation's log of entries, numbered by seq 1, 2, 3 … with no gap.
import type { EntryBody } from "../../schema/entries.ts";
import type { Message, MessagePage } from "../../schema/messages.ts";
import type { ReadableRange } from "../roster.ts";

/** An entry as handed to the store for appending; the store assigns `seq`. */
export interface NewEntry {
  id: string;
  conv: string;
  sender: string;
  clientId: string;
  ts: number;
  body: EntryBody;
}

/**
 * What appending one entry came to: committed now (created), found (its clientId was stored
 * before: the original), or null: refused by a rule the store checks inside the transaction (the
 * sender is no member any more, the conversation was dissolved, an action's target changed).
 */
export type Appended = { message: Message; created: boolean } | null;

export interface MessageLog {
  /**
   * Appends a batch in ONE transaction: each new entry gets the next seq of its conversation;
   * a (conv, sender, clientId) already stored yields the stored entry instead (created=false).
   * An action or a membership change comes alone, and its effects (an edit's text, a recall's
   * scrub, a reaction, the members and settings) are applied in the same transaction.
   * Resolves only after the commit.
   */
  appendEntries(batch: NewEntry[]): Promise<Appended[]>;
  /**
   * A page of what `viewer` may read (`readable`), with each content entry's folded state: at
   * most `limit` items and no more than `maxBytes` of bodies (but at least one item).
   */
  history(
    convId: string,
    range: { after?: number; before?: number; limit: number; maxBytes: number; viewer: string; readable: ReadableRange },
  ): Promise<MessagePage>;
  /** One entry with its folded edit and recall state (no reactions); null when there is none. */
  entry(convId: string, seq: number): Promise<Message | null>;
  /** The entries (not recalled) whose file or image is this upload; at most 100. */
  referencing(uploadId: string): Promise<{ conv: string; seq: number }[]>;
  /** Whether the user's reaction with this emoji is on the entry now. */
  hasReacted(convId: string, seq: number, userId: string, emoji: string): Promise<boolean>;
}
