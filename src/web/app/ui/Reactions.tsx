// A message's reactions, each a toggle: pressed when this user reacted with it, and pressing it
// adds or takes back this user's reaction.
import type { Message } from "parley/client";
import type { Chat } from "../chat.ts";
import { describeError } from "./errors.ts";

export function Reactions({ chat, message, onError }: { chat: Chat; message: Message; onError(error: string): void }) {
  const reactions = message.reactions ?? [];
  if (reactions.length === 0 || message.recalled) return null;
  const toggle = (emoji: string, on: boolean) => {
    onError("");
    chat.client.api.react(message.conv, message.seq, emoji, on).catch((error) => onError(describeError(error)));
  };
  return (
    <ul class="reactions" aria-label="Reactions">
      {reactions.map((r) => (
        <li key={r.emoji}>
          <button type="button" class={r.me ? "reaction mine" : "reaction"} aria-pressed={r.me} aria-label={`${r.emoji} ${r.count}${r.me ? ", yours: take it back" : ""}`} onClick={() => toggle(r.emoji, !r.me)}>
            {r.emoji} {r.count}
          </button>
        </li>
      ))}
    </ul>
  );
}
