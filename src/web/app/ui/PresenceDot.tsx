// A dot for online / offline, with its meaning for screen readers.
import type { Chat } from "../chat.ts";
import { lastSeen } from "./format.ts";

export function PresenceDot({ chat, user }: { chat: Chat; user: string }) {
  const presence = chat.presence.get(user);
  if (!presence) return null;
  const online = presence.status === "online";
  return <span class={online ? "dot online" : "dot"} role="img" aria-label={online ? "online" : lastSeen(presence.lastSeen)} />;
}

/** "online", "last seen 5 min ago", or nothing while unknown. */
export function presenceText(chat: Chat, user: string): string {
  const presence = chat.presence.get(user);
  if (!presence) return "";
  return presence.status === "online" ? "online" : lastSeen(presence.lastSeen);
}
