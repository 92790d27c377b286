// Shown while the socket is not open: connecting, lost and reconnecting, or stopped (with a way
// to connect again). Messages typed meanwhile wait in the outbox.
import type { Chat } from "../chat.ts";

export function ConnectionBanner({ chat }: { chat: Chat }) {
  const text = chat.banner.value;
  return (
    <div class="banner" role="status" aria-live="polite" hidden={text === null}>
      {text}
      {chat.connection.value === "stopped" && (
        <button type="button" class="quiet" onClick={() => chat.connect()}>Reconnect</button>
      )}
    </div>
  );
}
