// The Store as the Worker and the user objects see it under LOG_PLACEMENT=object: the directory
// from the shared database, the log from each conversation's object (DO RPC). Who may read what is
// judged on the directory's roster (kept in step by the objects, conversation-log.ts) before the
// object is asked. Writes of the log never come this way: they are the object's own
// (services.ts sends them there).
import type { Store } from "../../core/store/index.ts";
import type { ConversationStore } from "../../core/store/conversations.ts";
import type { MessageLog } from "../../core/store/message-log.ts";
import type { ReceiptStore } from "../../core/store/receipts.ts";
import type { SearchStore } from "../../core/store/search.ts";
import type { Env } from "./env.ts";
import { fanOut } from "./fan-out.ts";
import { conversationObject, userObject } from "./objects.ts";
import { remoteConversationList, type LinesOf } from "./remote-list.ts";

const writtenInObject = (what: string) => () => Promise.reject(new Error(`${what} runs in the conversation's object (LOG_PLACEMENT=object)`));

/** A search across a user's conversations asks at most this many of them (the newest: the directory lists by creation under object placement). */
export const SEARCH_FANOUT_MAX = 500;
const userObjectLines =
  (env: Env): LinesOf =>
  (userId, convs) =>
    userObject(env, userId).listLines(userId, convs.map((c) => c.id));

/** Search hits newest first, as each object orders its own: by (ts, conv, seq) descending. */
const newestFirst = (a: { message: { ts: number; conv: string; seq: number } }, b: typeof a) =>
  b.message.ts - a.message.ts || (a.message.conv === b.message.conv ? b.message.seq - a.message.seq : a.message.conv < b.message.conv ? 1 : -1);

/**
 * `lines`: where each user's list lines come from; by default the user's object, which keeps them
 * (user-list.ts): one call for the whole list.
 */
export function remoteLogStore(env: Env, directory: Store, lines: LinesOf = userObjectLines(env)): Store {
  const at = (conv: string) => conversationObject(env, conv);
  const messageLog: MessageLog = {
    appendEntries: writtenInObject("appendEntries"),
    history: (conv, range) => at(conv).readHistory(conv, range),
    entry: (conv, seq) => at(conv).readEntry(conv, seq),
    hasReacted: (conv, seq, userId, emoji) => at(conv).hasReacted(conv, seq, userId, emoji),
    // Only its uploader can send an upload: the entries that refer to it are in the uploader's
    // conversations, each asked (no index of them in the directory: no write per file message).
    async referencing(uploadId) {
      const upload = await directory.uploads.uploadById(uploadId);
      if (!upload) return [];
      const convs = await directory.conversationList.list(upload.owner, {});
      const found = await fanOut(convs, (c) => at(c.id).readReferencing(c.id, uploadId));
      return found.flat().slice(0, 100);
    },
  };
  // Each conversation's object searches its own index with the same filters and cursor; the
  // pages merge into one, newest first (README: at most SEARCH_FANOUT_MAX conversations).
  const search: SearchStore = {
    behind: async () => [],
    catchUp: writtenInObject("indexing"),
    async search(viewer, match, filters, cursor, limit) {
      const convs = filters.conv !== undefined ? [filters.conv] : (await directory.conversationList.list(viewer, {})).map((c) => c.id);
      const pages = await fanOut(convs.slice(0, SEARCH_FANOUT_MAX), (conv) => at(conv).readSearch(conv, viewer, match, filters, cursor, limit));
      return pages.flat().sort(newestFirst).slice(0, limit);
    },
  };
  const receipts: ReceiptStore = {
    markRead: writtenInObject("markRead"),
    markDelivered: writtenInObject("markDelivered"),
    receipts: (conv) => at(conv).readReceipts(conv),
  };
  const there = directory.conversations;
  const conversations: ConversationStore = {
    createDirect: (...args) => there.createDirect(...args),
    createGroup: (...args) => there.createGroup(...args),
    memberOf: (...args) => there.memberOf(...args),
    contactIds: (...args) => there.contactIds(...args),
    roster: (id) => there.roster(id),
    // last seq and the like are the object's
    conversation: async (id) => ((await there.roster(id)) ? at(id).readConversation(id) : null),
  };
  const conversationList = remoteConversationList(env, directory.conversationList, lines);
  return { ...directory, messageLog, receipts, conversations, search, conversationList };
}
