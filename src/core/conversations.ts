// Conversations: direct (one per pair) and group (owner/admin/member), listing, lookup.
import type { Conversation, ConversationSummary, CreateConversationRequest, ReceiptState } from "../schema/conversations.ts";
import { invalid, notFound } from "./errors.ts";
import type { MemberCache } from "./member-cache.ts";
import type { Clock, Store } from "./ports.ts";
import { newId } from "./random.ts";

export const directKey = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

export class Conversations {
  constructor(private readonly deps: { store: Store; members: MemberCache; clock: Clock }) {}

  async create(userId: string, req: CreateConversationRequest): Promise<{ conversation: Conversation; created: boolean }> {
    const { store, clock } = this.deps;
    if (req.kind === "direct") {
      if (req.with === userId) throw invalid("cannot start a direct conversation with yourself", { with: "is you" });
      await this.#requireUsers([req.with]);
      const { id, created } = await store.createDirect(
        { id: newId(), directKey: directKey(userId, req.with), createdAt: clock.now() },
        [userId, req.with],
      );
      return { conversation: (await store.conversation(id))!, created };
    }
    const others = [...new Set(req.members)].filter((m) => m !== userId);
    await this.#requireUsers(others);
    const id = newId();
    await store.createGroup({ id, title: req.title, createdAt: clock.now() }, [
      { userId, role: "owner" },
      ...others.map((m) => ({ userId: m, role: "member" as const })),
    ]);
    return { conversation: (await store.conversation(id))!, created: true };
  }

  list(userId: string): Promise<ConversationSummary[]> {
    return this.deps.store.listConversations(userId);
  }

  async get(userId: string, convId: string): Promise<Conversation> {
    await this.requireMember(userId, convId);
    const conv = await this.deps.store.conversation(convId);
    if (!conv) throw notFound("conversation");
    return conv;
  }

  async receipts(userId: string, convId: string): Promise<ReceiptState> {
    await this.requireMember(userId, convId);
    return this.deps.store.receipts(convId);
  }

  /** The member ids of a conversation the user belongs to; 404 otherwise (never its data). */
  async requireMember(userId: string, convId: string): Promise<string[]> {
    const members = await this.deps.members.members(convId);
    if (!members.has(userId)) throw notFound("conversation");
    return [...members.keys()];
  }

  /** Those of `convIds` the user may read. */
  readable(userId: string, convIds: string[]): Promise<string[]> {
    return this.deps.store.memberOf(userId, convIds);
  }

  async #requireUsers(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = new Set(await this.deps.store.existingUserIds(ids));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw invalid("unknown users", { members: missing });
  }
}
