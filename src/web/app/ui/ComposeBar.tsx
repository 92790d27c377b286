// Above the composer: the message being replied to or edited (✕ or Esc cancels), what the server
// refused of an edit, and the files to go with the next send (each can be taken out).
import type { Chat } from "../chat.ts";
import type { Compose } from "../model/compose.ts";
import { excerpt } from "./bodies.tsx";
import { fileSize } from "./format.ts";

export function ComposeBar({ chat, compose, error }: { chat: Chat; compose: Compose; error: string }) {
  const replyTo = compose.replyTo.value;
  const editing = compose.editing.value;
  const files = compose.files.value;
  const about = replyTo ?? editing;
  if (!about && files.length === 0 && !error) return null;
  const who = about && (about.sender === chat.me.id ? "yourself" : chat.users.name(about.sender));
  return (
    <div class="compose-bar">
      {about && (
        <p class="quote compose-about">
          <span class="quote-sender">{replyTo ? `Replying to ${who}` : "Editing your message"}</span>
          {excerpt(about)}
          <button type="button" class="quiet" aria-label={replyTo ? "Cancel the reply" : "Cancel editing"} onClick={() => (compose.replyTo.value = compose.editing.value = null)}>
            ✕
          </button>
        </p>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {files.length > 0 && (
        <ul class="chips staged" aria-label="Files to send">
          {files.map((file, i) => (
            <li key={i}>
              {file.name || "file"} <span class="hint">{fileSize(file.size)}</span>
              <button type="button" class="quiet" aria-label={`Remove ${file.name || "file"}`} onClick={() => compose.removeFile(file)}>✕</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
