// Member lists by conversation, kept in memory: every send needs them to authorize the sender
// and to fan out, and a 1,000-member group must not cost a query per message.
// Entries are dropped when membership changes here; a size cap bounds memory.
import type { Role } from "../schema/conversations.ts";
import type { Store } from "./ports.ts";

export class MemberCache {
  #byConv = new Map<string, Promise<Map<string, Role>>>();

  constructor(
    private readonly store: Pick<Store, "conversation">,
    private readonly maxEntries = 10_000,
  ) {}

  /** userId → role of every member; empty when the conversation does not exist. */
  members(convId: string): Promise<Map<string, Role>> {
    let entry = this.#byConv.get(convId);
    if (!entry) {
      entry = this.store.conversation(convId).then((c) => new Map(c?.members.map((m) => [m.userId, m.role])));
      entry.catch(() => this.#byConv.delete(convId));
      if (this.#byConv.size >= this.maxEntries) this.#byConv.delete(this.#byConv.keys().next().value!);
      this.#byConv.set(convId, entry);
    }
    return entry;
  }

  invalidate(convId: string): void {
    this.#byConv.delete(convId);
  }
}
