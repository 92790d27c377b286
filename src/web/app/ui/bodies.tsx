// How entries show, always as text (never as HTML): a message's content with its folded state
// (edited, recalled, the message it replies to, mentions of the reader marked), a file or image,
// and a conversation change as a line of its own.
import type { Message, SendBody } from "parley/client";
import type { Chat } from "../chat.ts";
import { contentText, describeChange } from "../model/entries.ts";
import { ALL, mentionRanges, mentionsUser } from "../model/mentions.ts";
import { FileAttachment } from "./FileAttachment.tsx";
import { Marked } from "./Marked.tsx";

export function Content({ chat, entry, quoted }: { chat: Chat; entry: Message; quoted?: Message }) {
  const body = entry.body;
  if (entry.recalled || (body.type !== "text" && body.type !== "file" && body.type !== "image")) return <p class="text recalled">Message recalled</p>;
  if (body.type !== "text") {
    return (
      <>
        <FileAttachment chat={chat} body={body} />
        {body.caption && <p class="text caption">{body.caption}</p>}
      </>
    );
  }
  const text = entry.edited?.text ?? body.text;
  return (
    <>
      {body.replyTo !== undefined && (
        <p class="quote">
          {quoted && <span class="quote-sender">{quoted.sender === chat.me.id ? "You" : chat.users.name(quoted.sender)}</span>}
          {quoted ? excerpt(quoted) : "an earlier message"}
        </p>
      )}
      <p class="text">
        <Marked text={text} ranges={mentionsMe(chat, entry) ? mentionRanges(text, [chat.me.username, ALL.username]) : []} />
      </p>
      {entry.edited && <span class="edited">edited</span>}
    </>
  );
}

/** Whether the entry mentions the reader, by name or as everyone. */
export const mentionsMe = (chat: Chat, entry: Message): boolean => mentionsUser(entry, chat.me.id);

/** What this user is sending (not in the log yet). */
export function Sending({ body }: { body: SendBody }) {
  return <p class="text">{contentText(body)}</p>;
}

export function ChangeLine({ chat, entry }: { chat: Chat; entry: Message }) {
  const name = (user: string) => (user === chat.me.id ? "you" : chat.users.name(user));
  const actor = entry.sender === chat.me.id ? "You" : chat.users.name(entry.sender);
  return (
    <li class="change" data-seq={entry.seq}>
      {describeChange(entry, actor, name)}
    </li>
  );
}

/** A message in a line (a quote, a reply being written). */
export function excerpt(entry: Message): string {
  const body = entry.body;
  if (entry.recalled || (body.type !== "text" && body.type !== "file" && body.type !== "image")) return "Message recalled";
  const text = entry.edited?.text ?? contentText(body);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
