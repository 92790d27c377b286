// Presence as the API shows it: users see the online state and last-seen time of the people they
// share a conversation with (and their own), nobody else's, and nobody across a block (either
// way: see contacts.ts).
import type { PresenceItem } from "../schema/presence.ts";
import type { Presence } from "./presence.ts";
import type { Store } from "./store/index.ts";

type Stores = Pick<Store, "conversations" | "contacts">;

/** Who hears of a user's presence changes: the users who share a conversation with them, but no one on either side of a block. */
export async function presenceAudience(store: Stores, userId: string): Promise<string[]> {
  const contacts = await store.conversations.contactIds(userId);
  const hidden = new Set(await store.contacts.blockedAmong(userId, contacts));
  return contacts.filter((id) => !hidden.has(id));
}

export class PresenceQueries {
  /** Only `status` is read: a runtime may answer it without the rest of the port (Workers' user objects). */
  constructor(private readonly deps: { store: Stores; presence: Pick<Presence, "status"> }) {}

  async of(viewerId: string, userIds: readonly string[]): Promise<PresenceItem[]> {
    const { conversations, contacts } = this.deps.store;
    const [shared, hidden] = await Promise.all([conversations.contactIds(viewerId), contacts.blockedAmong(viewerId, userIds)]);
    const visible = new Set(shared).add(viewerId);
    for (const id of hidden) visible.delete(id);
    const asked = [...new Set(userIds)].filter((id) => visible.has(id));
    const statuses = await this.deps.presence.status(asked);
    return statuses.map((s) => ({ user: s.userId, status: s.online ? "online" : "offline", lastSeen: s.lastSeen }));
  }
}
