// Find people by the start of their username (GET /v1/users?q=). Everyone found is remembered by
// name (model/users.ts).
import type { User } from "parley/client";
import { useEffect, useState } from "preact/hooks";
import type { Chat } from "../chat.ts";

const DEBOUNCE_MS = 200;

interface Props {
  chat: Chat;
  onPick(user: User): void;
  /** not offered (already picked) */
  exclude?: string[];
  /** the dialog opens on this field */
  first?: boolean;
}

export function UserSearch({ chat, onPick, exclude = [], first = false }: Props) {
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<User[]>([]);
  const [error, setError] = useState("");

  useEffect(() => {
    const q = query.trim().toLowerCase();
    if (!q) return setFound([]);
    const timer = setTimeout(async () => {
      try {
        const users = await chat.client.api.searchUsers(q, 10);
        chat.users.learn(users);
        setFound(users);
        setError("");
      } catch (err) {
        setError((err as Error).message);
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, chat]);

  const shown = found.filter((u) => u.id !== chat.me.id && !exclude.includes(u.id));
  return (
    <div class="user-search">
      <label>
        Username
        <input
          type="search"
          value={query}
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
          data-autofocus={first || undefined}
          autocomplete="off"
          aria-controls="user-results"
        />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <ul id="user-results" class="user-results" aria-live="polite">
        {shown.map((user) => (
          <li key={user.id}>
            <button type="button" onClick={() => onPick(user)} data-username={user.username}>
              <span class="user-name">{user.displayName || user.username}</span> <span class="hint">@{user.username}</span>
            </button>
          </li>
        ))}
        {query.trim() && shown.length === 0 && <li class="hint">Nobody found yet.</li>}
      </ul>
    </div>
  );
}
