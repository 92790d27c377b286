// A conversation's roster: who belongs to it in which role, who left when, and the settings that
// decide who may write and what a member reads. Every write and every read is judged on it, so it
// is cached (RosterCache) and read again whenever a membership entry commits.
import type { Conversation } from "../schema/conversations.ts";
import type { HistoryRule } from "../schema/entries.ts";
import type { Role } from "../schema/roles.ts";

export interface MemberState {
  role: Role;
  /** the seq of the entry that added the member; 0 for those who were there from the start */
  joinedSeq: number;
  /** sends are refused until then (ms); null: not muted */
  mutedUntil: number | null;
}

export interface FormerMember {
  joinedSeq: number;
  /** the seq of the entry that removed the member, which it still reads */
  removedSeq: number;
}

export interface Roster {
  id: string;
  kind: "direct" | "group";
  title: string | null;
  topic: string | null;
  avatar: string | null;
  createdAt: number;
  /** the seq of the `dissolved` entry: nothing is written after it */
  closedSeq: number | null;
  onlyAdminsSend: boolean;
  history: HistoryRule;
  members: Map<string, MemberState>;
  former: Map<string, FormerMember>;
}

/** The seqs a user may read: from where the history rule lets it start, up to its removal. */
export interface ReadableRange {
  from: number;
  to: number | null;
}

/** What `userId` may read of the conversation, or null when it never was a member. */
export function readableRange(roster: Roster, userId: string): ReadableRange | null {
  const member = roster.members.get(userId) ?? roster.former.get(userId);
  if (!member) return null;
  const from = roster.history === "all" ? 1 : Math.max(1, member.joinedSeq);
  return { from, to: "removedSeq" in member ? member.removedSeq : null };
}

const memberIdsOf = new WeakMap<Roster, readonly string[]>();
/**
 * The current members' ids, listed once per roster (a roster is not changed once read; the list is
 * frozen so nobody changes it either): every send, receipt and typing frame asks for them, and a
 * group's list is long.
 */
export function memberIds(roster: Roster): readonly string[] {
  let ids = memberIdsOf.get(roster);
  if (!ids) memberIdsOf.set(roster, (ids = Object.freeze([...roster.members.keys()])));
  return ids;
}

/** The conversation object as the API shows it, from its roster (current members only). */
export function conversationOf(roster: Roster, lastSeq: number): Conversation {
  return {
    id: roster.id,
    kind: roster.kind,
    title: roster.title,
    topic: roster.topic,
    avatar: roster.avatar,
    onlyAdminsSend: roster.onlyAdminsSend,
    history: roster.history,
    dissolved: roster.closedSeq !== null,
    members: [...roster.members].map(([userId, m]) => ({ userId, role: m.role, mutedUntil: m.mutedUntil })),
    lastSeq,
    createdAt: roster.createdAt,
  };
}
