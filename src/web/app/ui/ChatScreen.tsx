// The logged-in screen: the conversation list (or search hits) beside the open conversation on a
// wide screen, one of the two on a narrow one. The open conversation is the URL's hash
// (#/c/<id>, #/c/<id>/<seq> for one message of it), so the browser's back button and a reload
// keep it.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { ConnectionBanner } from "./ConnectionBanner.tsx";
import { Contacts } from "./Contacts.tsx";
import { ConversationList } from "./ConversationList.tsx";
import { ConversationView } from "./ConversationView.tsx";
import { NewDirect } from "./NewDirect.tsx";
import { NewGroup } from "./NewGroup.tsx";
import { NotificationsToggle } from "./NotificationsToggle.tsx";
import { routeInUrl } from "./route.ts";
import { SearchBox, SearchResults } from "./Search.tsx";
import { UnreadTotal } from "./UnreadTotal.tsx";

type Dialog = "direct" | "group" | "contacts" | null;

export function ChatScreen({ chat }: { chat: Chat }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  /** a message the URL asked to show (a new object for each ask) */
  const [jumpTo, setJumpTo] = useState<{ seq: number } | undefined>(undefined);
  useEffect(() => {
    const follow = () => {
      const { conv, seq } = routeInUrl();
      chat.open(conv);
      setJumpTo(seq === undefined ? undefined : { seq });
    };
    follow();
    addEventListener("hashchange", follow);
    return () => removeEventListener("hashchange", follow);
  }, [chat]);

  const open = chat.openConv.value;
  const me = chat.me;
  const requests = chat.contacts.incoming.value.length;
  // Leaving a conversation (Esc, back) puts the keyboard back on it in the list.
  const left = useRef<string | null>(null);
  useEffect(() => {
    if (!open && left.current) document.querySelector<HTMLElement>(`.conv-item[data-conv="${CSS.escape(left.current)}"]`)?.focus();
    left.current = open;
  }, [open]);
  return (
    <div class="chat" data-view={open ? "conversation" : "list"}>
      <ConnectionBanner chat={chat} />
      <aside class="sidebar" aria-label="Conversations">
        <header class="sidebar-header">
          <h1>Parley</h1>
          <UnreadTotal chat={chat} />
          <span class="me" title={`@${me.username}`}>{me.displayName || me.username}</span>
          <button type="button" class="quiet" onClick={() => void chat.logout()}>Log out</button>
        </header>
        <div class="sidebar-actions">
          <button type="button" onClick={() => setDialog("direct")}>New chat</button>
          <button type="button" onClick={() => setDialog("group")}>New group</button>
          <button type="button" class="quiet" onClick={() => setDialog("contacts")} aria-label={requests ? `Contacts, ${requests} friend request${requests === 1 ? "" : "s"}` : "Contacts"}>
            Contacts{requests > 0 && <span class="badge" aria-hidden="true">{requests}</span>}
          </button>
        </div>
        <NotificationsToggle notifications={chat.notifications} />
        <SearchBox chat={chat} />
        {chat.search.query.value ? <SearchResults chat={chat} /> : <ConversationList chat={chat} />}
      </aside>
      <main class="pane">
        {open ? (
          <ConversationView key={open} chat={chat} conv={open} jumpTo={jumpTo} />
        ) : (
          <p class="empty">Choose a conversation, or start a new one.</p>
        )}
      </main>
      {dialog === "direct" && <NewDirect chat={chat} onClose={() => setDialog(null)} />}
      {dialog === "group" && <NewGroup chat={chat} onClose={() => setDialog(null)} />}
      {dialog === "contacts" && <Contacts chat={chat} onClose={() => setDialog(null)} />}
    </div>
  );
}
