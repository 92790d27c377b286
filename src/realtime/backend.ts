// The realtime backend of a node that holds the domain services itself (the Bun server).
import type { Services } from "../core/services.ts";
import type { RealtimeBackend } from "./session.ts";

export const servicesBackend = ({ accounts, conversations, messages }: Services, opts: { multiNode: boolean }): RealtimeBackend => ({
  authenticate: (token) => accounts.authenticate(token),
  send: (userId, conv, input, sourceConnection) => messages.send(userId, conv, input, sourceConnection),
  history: (userId, conv, range) => messages.history(userId, conv, range),
  readable: (userId, convs) => conversations.readable(userId, convs),
  markDelivered: (userId, conv, seq, sourceConnection) => messages.markDelivered(userId, conv, seq, sourceConnection),
  markRead: (userId, conv, seq, sourceConnection) => messages.markRead(userId, conv, seq, sourceConnection),
  typing: (userId, conv) => messages.typing(userId, conv),
  // One node publishes in commit order; several relay to each other with delays.
  positions: opts.multiNode
    ? async (userId) => Object.fromEntries((await conversations.list(userId)).map((c) => [c.id, c.lastSeq]))
    : undefined,
});
