// The push notifier as a sink of committed events, beside the realtime fan-out: content entries
// for members with no connected device (when the runtime can tell: `offline`), and reads, which
// clear outstanding notifications. On Workers, the user objects tell offline entries themselves
// (they hold the sockets), so their conversations' objects pass no `offline`.
import type { EventSink } from "./events.ts";
import { previewOf, type PushNotifier } from "./push-notifier.ts";

/**
 * `offline` answers at once when it can (every member has a socket on this node: the common
 * case costs no promise per entry), or with a promise when it must ask elsewhere.
 */
export type OfflineAmong = (userIds: readonly string[]) => readonly string[] | Promise<readonly string[]>;

export function pushEvents(notifier: PushNotifier, offline?: OfflineAmong): EventSink {
  return {
    publish(event) {
      if (event.type === "receipt" && event.kind === "read") return notifier.read(event.user, event.conv, event.seq);
      if (event.type !== "message" || !offline || previewOf(event.message.body) === null) return;
      const { message } = event;
      const tell = (users: readonly string[]) => (users.length > 0 ? notifier.entryForOffline(users, message) : undefined);
      const users = offline(event.members.filter((m) => m !== message.sender));
      return users instanceof Promise ? users.then(tell) : tell(users);
    },
  };
}
