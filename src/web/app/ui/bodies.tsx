// How entries show, always as text (never as HTML): a message's content with its folded state
// (edited, recalled, reactions, the message it replies to), and a conversation change as a line
// of its own. Files and images show by their caption for now.
import type { Message, SendBody } from "parley/client";
import type { Chat } from "../chat.ts";
import { contentText, describeChange } from "../model/entries.ts";

export function Content({ entry, quoted }: { entry: Message; quoted?: Message }) {
  const body = entry.body;
  if (entry.recalled || (body.type !== "text" && body.type !== "file" && body.type !== "image")) return <p class="text recalled">Message recalled</p>;
  return (
    <>
      {body.type === "text" && body.replyTo !== undefined && <p class="quote">{quoted ? excerpt(quoted) : "an earlier message"}</p>}
      <p class="text">{entry.edited?.text ?? contentText(body)}</p>
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
  return <p class="text">{contentText(body)}</p>;
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
  const body = entry.body;
  if (entry.recalled || (body.type !== "text" && body.type !== "file" && body.type !== "image")) return "Message recalled";
  const text = entry.edited?.text ?? contentText(body);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
