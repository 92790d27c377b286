// The directory of conversations: which exist, and who belongs to them in which role (each
// member's list: conversation-list.ts).
import type { Conversation } from "../../schema/conversations.ts";
import type { Role } from "../../schema/roles.ts";
import type { Roster } from "../roster.ts";

export interface ConversationStore {
  /** Creates the direct conversation of a pair unless it exists; returns the one that stands. */
  createDirect(conv: { id: string; directKey: string; createdAt: number }, userIds: [string, string]): Promise<{ id: string; created: boolean }>;
  createGroup(conv: { id: string; title: string; createdAt: number }, members: { userId: string; role: Role }[]): Promise<void>;
  /** The conversation with its current members, null when it does not exist. */
  conversation(id: string): Promise<Conversation | null>;
  /** Who belongs (and belonged) in which role, and the settings writes are judged on. */
  roster(id: string): Promise<Roster | null>;
  /** Those of `convIds` that the user is (or was) a member of: the ones it may read. */
  memberOf(userId: string, convIds: string[]): Promise<string[]>;
  /** Everyone who shares at least one conversation with the user (not the user). */
  contactIds(userId: string): Promise<string[]>;
}
