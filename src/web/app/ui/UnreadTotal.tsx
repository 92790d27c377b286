// The total unread (muted and archived conversations left out, as GET /v1/unread counts) beside
// the app's name and in the tab's title, "(3) Parley", so it shows from another tab too.
import { useEffect } from "preact/hooks";
import type { Chat } from "../chat.ts";

const TITLE = document.title;

export function UnreadTotal({ chat }: { chat: Chat }) {
  const total = chat.listSettings.unreadTotal.value;
  useEffect(() => {
    document.title = total > 0 ? `(${total}) ${TITLE}` : TITLE;
  }, [total]);
  useEffect(() => () => void (document.title = TITLE), []);
  if (total === 0) return null;
  return (
    <span class="badge total" role="status" aria-label={`${total} unread in all`}>
      {total > 999 ? "999+" : total}
    </span>
  );
}
