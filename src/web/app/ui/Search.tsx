// Searching this user's conversations from the sidebar: while there is a query, the hits replace
// the conversation list, newest first, each with its conversation, sender, time and a snippet
// whose matches are marked (from the server's offsets, as text). A hit opens its conversation at
// that message. Esc clears the query.
import type { Message } from "parley/client";
import { useEffect, useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { shortTime } from "./format.ts";
import { Marked } from "./Marked.tsx";
import { conversationTitle } from "./names.ts";
import { conversationHref } from "./route.ts";

const DEBOUNCE_MS = 250;

export function SearchBox({ chat }: { chat: Chat }) {
  const [query, setQuery] = useState(chat.search.query.value);
  useEffect(() => {
    if (query.trim() === chat.search.query.value.trim()) return;
    const timer = setTimeout(() => void chat.search.run(query.trim()), query.trim() ? DEBOUNCE_MS : 0);
    return () => clearTimeout(timer);
  }, [query, chat]);
  return (
    <div class="search-box" role="search">
      <input
        type="search"
        aria-label="Search messages"
        placeholder="Search messages"
        value={query}
        maxLength={200}
        onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => e.key === "Escape" && query && (e.preventDefault(), setQuery(""))}
      />
    </div>
  );
}

export function SearchResults({ chat }: { chat: Chat }) {
  const search = chat.search;
  const hits = search.hits.value;
  return (
    <div class="search-results" aria-live="polite">
      <ul aria-label="Search results">
        {hits.map(({ message, snippet, highlights }) => (
          <li key={message.id}>
            <a class="hit" href={conversationHref(message.conv, message.seq)} data-seq={message.seq}>
              <span class="hit-head">
                <span class="hit-where">{where(chat, message)}</span>
                <time dateTime={new Date(message.ts).toISOString()}>{shortTime(message.ts)}</time>
              </span>
              <span class="hit-snippet">
                <Marked text={snippet} ranges={highlights} />
              </span>
            </a>
          </li>
        ))}
      </ul>
      <p class="list-note">
        {search.error.value
          ? `Search failed: ${search.error.value}`
          : search.loading.value
            ? "Searching…"
            : hits.length === 0
              ? "No messages found."
              : ""}
      </p>
      {search.hasMore() && !search.loading.value && (
        <button type="button" class="quiet more" onClick={() => void search.more()}>More results</button>
      )}
    </div>
  );
}

/** "Ann" for Ann's message in the chat with Ann; "Crew · Ann", "Ann · You" otherwise. */
function where(chat: Chat, message: Message): string {
  const title = conversationTitle(chat, message.conv);
  if (message.sender === chat.conversations.peer(message.conv) && chat.conversations.get(message.conv)?.kind === "direct") return title;
  return `${title} · ${message.sender === chat.me.id ? "You" : chat.users.name(message.sender)}`;
}
