// Presence as the API shows it: users see the online state and last-seen time of the people they
// share a conversation with (and their own), nobody else's.
import type { PresenceItem } from "../schema/presence.ts";
import type { Presence } from "./presence.ts";
import type { ConversationStore } from "./store/conversations.ts";

export class PresenceQueries {
  /** Only `status` is read: a runtime may answer it without the rest of the port (Workers' user objects). */
  constructor(private readonly deps: { conversations: ConversationStore; presence: Pick<Presence, "status"> }) {}

  async of(viewerId: string, userIds: readonly string[]): Promise<PresenceItem[]> {
    const visible = new Set(await this.deps.conversations.contactIds(viewerId)).add(viewerId);
    const asked = [...new Set(userIds)].filter((id) => visible.has(id));
    const statuses = await this.deps.presence.status(asked);
    return statuses.map((s) => ({ user: s.userId, status: s.online ? "online" : "offline", lastSeen: s.lastSeen }));
  }
}
