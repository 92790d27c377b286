// The push notifier as a sink of committed events, beside the realtime fan-out: entries for
// members with no connected device (when the runtime can tell, `isConnected`), and reads, which
// clear outstanding notifications. On Workers, the user objects tell offline entries themselves
// (they hold the sockets), so their conversations' objects pass no `isConnected`.
import type { EventSink } from "./events.ts";
import type { PushNotifier } from "./push-notifier.ts";

export function pushEvents(notifier: PushNotifier, isConnected?: (userId: string) => boolean | Promise<boolean>): EventSink {
  return {
    publish(event) {
      if (event.type === "receipt" && event.kind === "read") return notifier.read(event.user, event.conv, event.seq);
      if (event.type !== "message" || !isConnected) return;
      const { message } = event;
      return Promise.all(
        event.members
          .filter((m) => m !== message.sender)
          .map(async (m) => {
            if (!(await isConnected(m))) await notifier.entryForOffline(m, message);
          }),
      ).then(() => {});
    },
  };
}
