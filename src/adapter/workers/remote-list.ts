// Each user's conversation list as the Worker and the user objects see it under
// LOG_PLACEMENT=object. A member's row of a conversation (settings, clear, hidden entries, read
// position, unread and mention counters) is written by the conversation's object only, in its own
// storage, where history, search and the counters read it; the object copies the settings the
// directory lists and pushes by (pinned, mutedUntil, archived) to the directory. The directory
// says which conversations are the user's; each one's line (last entry and the row) comes from
// `lines`, and the filters and the order (pinned first, then latest activity) are applied to the
// lines, which are exact where the directory's copy could be behind (a hidden conversation comes
// back with an entry, which writes nothing to the directory).
import type { ConversationListStore, ListFilter } from "../../core/store/conversation-list.ts";
import type { ConversationSummary } from "../../schema/conversations.ts";
import type { Env } from "./env.ts";
import { conversationObject } from "./objects.ts";

/** A conversation's line of a user's list, and when the conversation was last active (its order). */
export type ListLine = { summary: ConversationSummary; lastActivityAt: number };

/** The lines of these conversations of the user's (null: none known for that one), in their order. */
export type LinesOf = (userId: string, convs: ConversationSummary[]) => Promise<(ListLine | null)[]>;

const matches = (c: ConversationSummary, { archived, unread, hidden }: ListFilter) =>
  (archived === undefined || c.archived === archived) && (hidden === undefined || c.hidden === hidden) && (unread === undefined || c.unread > 0 === unread);

export function remoteConversationList(env: Env, directory: ConversationListStore, linesOf: LinesOf): ConversationListStore {
  const at = (conv: string) => conversationObject(env, conv);
  const list = async (userId: string, filter: ListFilter) => {
    const mine = await directory.list(userId, {});
    const lines = await linesOf(userId, mine);
    return mine
      // the title is the directory's (a group change answers once the directory has it)
      .map((c, i) => ({ summary: { ...c, ...lines[i]?.summary, title: c.title }, at: lines[i]?.lastActivityAt ?? 0 }))
      .filter((l) => matches(l.summary, filter))
      .sort((a, b) => Number(b.summary.pinned) - Number(a.summary.pinned) || b.at - a.at || (a.summary.id < b.summary.id ? 1 : -1))
      .map((l) => l.summary);
  };
  return {
    list,
    settings: (userId, conv) => at(conv).readListSettings(conv, userId),
    updateSettings: (userId, conv, changes) => at(conv).updateListSettings(conv, userId, changes),
    clear: (userId, conv, seq) => at(conv).clearList(conv, userId, seq),
    hide: (userId, conv, seq, max) => at(conv).hideEntry(conv, userId, seq, max),
    async unreadTotals(userId, now) {
      const counted = (await list(userId, { archived: false, hidden: false })).filter((c) => c.unread > 0 && !(c.mutedUntil !== null && c.mutedUntil > now));
      return { total: counted.reduce((sum, c) => sum + c.unread, 0), conversations: counted.length };
    },
  };
}
