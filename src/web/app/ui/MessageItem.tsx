// One message (a content entry): its sender (in groups, for others' messages), content, time,
// and for our own the ticks. A pending one (not committed yet) shows the same way, with its
// state.
import type { Message } from "parley/client";
import type { Chat } from "../chat.ts";
import type { Outgoing } from "../model/outgoing.ts";
import { Content, Sending } from "./bodies.tsx";
import { clock, fullTime } from "./format.ts";
import { Ticks } from "./Ticks.tsx";

interface Props {
  chat: Chat;
  message: Message;
  group: boolean;
  /** the one before is from the same sender: no name again */
  sameSender: boolean;
  /** the message this one replies to, when held */
  quoted?: Message;
}

export function MessageItem({ chat, message, group, sameSender, quoted }: Props) {
  const mine = message.sender === chat.me.id;
  const name = mine ? "You" : chat.users.name(message.sender);
  const receipt = mine ? chat.receipts.of(message.conv, message.seq, message.sender) : null;
  return (
    <li class={mine ? "msg mine" : "msg"} data-seq={message.seq} data-client-id={message.clientId}>
      {group && !mine && !sameSender ? <span class="sender">{name}</span> : <span class="sr-only">{name}:</span>}
      <div class="bubble">
        <Content entry={message} quoted={quoted} />
        <span class="meta">
          <time dateTime={new Date(message.ts).toISOString()} title={fullTime(message.ts)}>{clock(message.ts)}</time>
          {receipt && <Ticks receipt={receipt} group={group} />}
        </span>
      </div>
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
      {entry.error !== undefined && (
        <p class="send-error" role="alert">
          Not sent: {entry.error}{" "}
          <button type="button" class="quiet" onClick={() => chat.outgoing.dismiss(entry.clientId)}>Dismiss</button>
        </p>
      )}
    </li>
  );
}
