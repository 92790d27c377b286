// Conversations: direct (one per pair) and group (owner/admin/member), lookup (each user's list: conversation-list.ts).
import type { Conversation, CreateConversationRequest, ReceiptState } from "../schema/conversations.ts";
import type { Contacts } from "./contacts.ts";
import { invalid, notFound } from "./errors.ts";
import { requireReader } from "./permissions.ts";
import { readableRange, type Roster } from "./roster.ts";
import type { RosterCache } from "./roster-cache.ts";
import type { Clock } from "./ports.ts";
import { newId } from "./random.ts";
import type { ConversationStore } from "./store/conversations.ts";
import type { MessageLog } from "./store/message-log.ts";
import type { ReceiptStore } from "./store/receipts.ts";
import type { UserStore } from "./store/users.ts";

export const directKey = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

export interface ConversationsDeps {
  conversations: ConversationStore;
  users: UserStore;
  receipts: ReceiptStore;
  /** which entries refer to an upload (its downloads) */
  messageLog: Pick<MessageLog, "referencing">;
  rosters: RosterCache;
  /** blocks and DIRECT_MESSAGES decide who may open a direct conversation */
  contacts: Pick<Contacts, "requireDirectAllowed">;
  clock: Clock;
  /**
   * Told after a conversation's membership changed, so that member lists cached elsewhere (other
   * Bun nodes) are dropped too; this instance's cache drops it itself. See membersChanged().
   */
  onMembersChanged?: (convId: string) => void | Promise<void>;
  /** a conversation was created by `by` (bots in it hear of it: src/core/bot-events.ts) */
  onCreated?: (conversation: Conversation, by: string) => Promise<void>;
}

export class Conversations {
  constructor(private readonly deps: ConversationsDeps) {}

  async create(userId: string, req: CreateConversationRequest): Promise<{ conversation: Conversation; created: boolean }> {
    const { conversations, clock } = this.deps;
    if (req.kind === "direct") {
      if (req.with === userId) throw invalid("cannot start a direct conversation with yourself", { with: "is you" });
      await this.#requireUsers([req.with]);
      await this.deps.contacts.requireDirectAllowed(userId, req.with);
      const { id, created } = await conversations.createDirect(
        { id: newId(), directKey: directKey(userId, req.with), createdAt: clock.now() },
        [userId, req.with],
      );
      return this.#created({ conversation: (await conversations.conversation(id))!, created }, userId);
    }
    const others = [...new Set(req.members)].filter((m) => m !== userId);
    await this.#requireUsers(others);
    const id = newId();
    await conversations.createGroup({ id, title: req.title, createdAt: clock.now() }, [
      { userId, role: "owner" },
      ...others.map((m) => ({ userId: m, role: "member" as const })),
    ]);
    return this.#created({ conversation: (await conversations.conversation(id))!, created: true }, userId);
  }

  async #created(result: { conversation: Conversation; created: boolean }, by: string) {
    if (result.created) await this.deps.onCreated?.(result.conversation, by);
    return result;
  }

  /** The conversation as it stands, to its members and former members (404 to anyone else). */
  async get(userId: string, convId: string): Promise<Conversation> {
    requireReader(await this.roster(convId), userId);
    const conv = await this.deps.conversations.conversation(convId);
    if (!conv) throw notFound("conversation");
    return conv;
  }

  async receipts(userId: string, convId: string): Promise<ReceiptState> {
    requireReader(await this.roster(convId), userId);
    return this.deps.receipts.receipts(convId);
  }

  /** The conversation's roster, cached; `fresh` reads it again (after a write was refused). */
  roster(convId: string, options: { fresh?: boolean } = {}): Promise<Roster | null> {
    if (options.fresh) this.deps.rosters.invalidate(convId);
    return this.deps.rosters.roster(convId);
  }

  /**
   * What every change of a conversation's members or roles calls once it has committed: the
   * cached list is dropped here at once, and the runtime tells the other caches
   * (onMembersChanged). On Workers such a change runs in the conversation's object, like a send.
   */
  async membersChanged(convId: string): Promise<void> {
    this.deps.rosters.invalidate(convId);
    await this.deps.onMembersChanged?.(convId);
  }

  /** Whether the user may read an entry (not recalled) whose file or image is this upload. */
  async readsUpload(userId: string, uploadId: string): Promise<boolean> {
    for (const { conv, seq } of await this.deps.messageLog.referencing(uploadId)) {
      const roster = await this.roster(conv);
      const range = roster && readableRange(roster, userId);
      if (range && seq >= range.from && (range.to === null || seq <= range.to)) return true;
    }
    return false;
  }

  /** Those of `convIds` the user may read. */
  readable(userId: string, convIds: string[]): Promise<string[]> {
    return this.deps.conversations.memberOf(userId, convIds);
  }

  async #requireUsers(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = new Set(await this.deps.users.existingUserIds(ids));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw invalid("unknown users", { members: missing });
  }
}
