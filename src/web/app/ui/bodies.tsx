// How entries show, always as text (never as HTML): a message's content with its folded state
// (edited, recalled, reactions, the message it replies to), and a conversation change as a line
// of its own. Later content kinds (image, file) add a case to Content.
import type { Message, SendBody } from "parley/client";
import type { Chat } from "../chat.ts";
import { describeChange } from "../model/entries.ts";

export function Content({ entry, quoted }: { entry: Message; quoted?: Message }) {
  const body = entry.body;
  if (entry.recalled || body.type !== "text") return <p class="text recalled">Message recalled</p>;
  return (
    <>
      {body.replyTo !== undefined && <p class="quote">{quoted ? excerpt(quoted) : "an earlier message"}</p>}
      <p class="text">{entry.edited?.text ?? body.text}</p>
      {entry.edited && <span class="edited">edited</span>}
      {entry.reactions && entry.reactions.length > 0 && (
        <ul class="reactions" aria-label="Reactions">
          {entry.reactions.map((r) => (
            <li key={r.emoji} class={r.me ? "mine" : undefined}>
              {r.emoji} {r.count}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** What this user is sending (not in the log yet). */
export function Sending({ body }: { body: SendBody }) {
  return <p class="text">{body.text}</p>;
}

export function ChangeLine({ chat, entry }: { chat: Chat; entry: Message }) {
  const name = (user: string) => (user === chat.me.id ? "you" : chat.users.name(user));
  const actor = entry.sender === chat.me.id ? "You" : chat.users.name(entry.sender);
  return (
    <li class="change" data-seq={entry.seq}>
      {describeChange(entry.body, actor, name)}
    </li>
  );
}

function excerpt(entry: Message): string {
  if (entry.recalled || entry.body.type !== "text") return "Message recalled";
  const text = entry.edited?.text ?? entry.body.text;
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
