// Each user's own view of their conversations: settings, clearing, hidden entries and the unread
// and mention counters (which the message log keeps as entries commit, in the same transaction).
import type { ConversationSettings, UnreadTotals } from "../../schema/conversation-list.ts";
import type { ConversationSummary } from "../../schema/conversations.ts";

/** Which conversations a list shows; an absent field does not filter. */
export interface ListFilter {
  archived?: boolean;
  unread?: boolean;
  hidden?: boolean;
}

export type SettingsChanges = Partial<Pick<ConversationSettings, "pinned" | "mutedUntil" | "archived" | "hidden">>;

export interface ConversationListStore {
  /** The user's conversations (those it is or was a member of), pinned first, then by latest activity. */
  list(userId: string, filter: ListFilter): Promise<ConversationSummary[]>;
  /** The user's settings and counters of a conversation it is or was a member of. */
  settings(userId: string, convId: string): Promise<ConversationSettings>;
  updateSettings(userId: string, convId: string, changes: SettingsChanges): Promise<ConversationSettings>;
  /** History up to `seq` is gone for the user (never past the conversation's last seq: null then). */
  clear(userId: string, convId: string, seq: number): Promise<ConversationSettings | null>;
  /**
   * One entry is gone for the user (one it already cleared or hid: nothing changes). `full`: it hid
   * `max` entries of this conversation already, and this one was not stored; `missing`: no such seq.
   */
  hide(userId: string, convId: string, seq: number, max: number): Promise<{ settings: ConversationSettings; outcome: "hidden" | "full" | "missing" }>;
  /** Unread entries and conversations with any, leaving out archived, hidden and muted (at `now`) ones. */
  unreadTotals(userId: string, now: number): Promise<UnreadTotals>;
}
