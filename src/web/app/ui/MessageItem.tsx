// One message (a content entry): its sender (in groups, for others' messages), content, time,
// reactions, what can be done with it, and for our own the ticks. A message mentioning the
// reader is marked. A pending one (not committed yet, or a file still uploading) shows the same
// way, with its state.
import type { Message } from "parley/client";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import type { Attachment } from "../model/attachments.ts";
import type { Compose } from "../model/compose.ts";
import type { Outgoing } from "../model/outgoing.ts";
import { Content, mentionsMe, Sending } from "./bodies.tsx";
import { describeError } from "./errors.ts";
import { clock, fileSize, fullTime } from "./format.ts";
import { FileIcon } from "./icons.tsx";
import { MessageActions } from "./MessageActions.tsx";
import { Reactions } from "./Reactions.tsx";
import { Ticks } from "./Ticks.tsx";

interface Props {
  chat: Chat;
  message: Message;
  compose: Compose;
  group: boolean;
  /** the one before is from the same sender: no name again */
  sameSender: boolean;
  /** the message this one replies to, when held */
  quoted?: Message;
  /** shown on request (a search hit): marked for a moment */
  found?: boolean;
}

export function MessageItem({ chat, message, compose, group, sameSender, quoted, found }: Props) {
  const [error, setError] = useState("");
  const mine = message.sender === chat.me.id;
  const name = mine ? "You" : chat.users.name(message.sender);
  const receipt = mine ? chat.receipts.of(message.conv, message.seq, message.sender) : null;
  const mentioned = mentionsMe(chat, message);
  return (
    <li class={`msg${mine ? " mine" : ""}${mentioned ? " mentioned" : ""}${found ? " found" : ""}`} data-seq={message.seq} data-client-id={message.clientId} tabIndex={-1}>
      {group && !mine && !sameSender ? <span class="sender">{name}</span> : <span class="sr-only">{name}:</span>}
      {mentioned && <span class="sr-only">(mentions you)</span>}
      <div class="bubble-row">
        <div class="bubble">
          <Content chat={chat} entry={message} quoted={quoted} />
          <span class="meta">
            <time dateTime={new Date(message.ts).toISOString()} title={fullTime(message.ts)}>{clock(message.ts)}</time>
            {receipt && <Ticks receipt={receipt} group={group} />}
          </span>
        </div>
        {!message.recalled && message.body.type !== "recalled" && <MessageActions chat={chat} message={message} compose={compose} onError={setError} />}
      </div>
      <Reactions chat={chat} message={message} onError={setError} />
      {error && <Problem text={error} onDismiss={() => setError("")} />}
    </li>
  );
}

export function PendingItem({ chat, entry }: { chat: Chat; entry: Outgoing }) {
  return (
    <li class="msg mine pending" data-client-id={entry.clientId}>
      <span class="sr-only">You:</span>
      <div class="bubble">
        <Sending body={entry.body} />
        <span class="meta">
          <Ticks receipt={null} group={false} failed={entry.error !== undefined} />
        </span>
      </div>
      {entry.error !== undefined && <Problem text={`Not sent: ${entry.error}`} onDismiss={() => chat.outgoing.dismiss(entry.clientId)} />}
    </li>
  );
}

/** A file on its way: uploading, or not uploaded (why, try again, or dismiss). */
export function UploadItem({ chat, attachment }: { chat: Chat; attachment: Attachment }) {
  const { file, error, key } = attachment;
  return (
    <li class="msg mine pending upload" data-upload-key={key}>
      <div class="bubble">
        <p class="file">
          <FileIcon />{" "}
          {file.name || "file"} <span class="hint">{fileSize(file.size)}</span>
        </p>
        {attachment.caption && <p class="text caption">{attachment.caption}</p>}
        {!error && <progress aria-label={`Uploading ${file.name}`} />}
      </div>
      {error && (
        <Problem text={`Not sent: ${describeError(error)}`} onDismiss={() => chat.attachments.dismiss(key)}>
          {error.code !== "payload_too_large" && (
            <button type="button" class="quiet" onClick={() => void chat.attachments.retry(key)}>Try again</button>
          )}
        </Problem>
      )}
    </li>
  );
}

function Problem({ text, onDismiss, children }: { text: string; onDismiss(): void; children?: ComponentChildren }) {
  return (
    <p class="send-error" role="alert">
      {text} {children}
      <button type="button" class="quiet" onClick={onDismiss}>Dismiss</button>
    </p>
  );
}
