// The kinds of log entries (docs/protocol.md "Entries") as the app shows them: content entries are
// messages (text, or what is left of a recalled one); actions (edit, recall, reaction) change an
// earlier content entry and show only through it; everything else changes the conversation and
// shows as a line of its own ("Ada added Alan").
import type { Message } from "parley/client";
import { ACTION_TYPES, CONTENT_TYPES } from "../../../schema/entries.ts";

export const isContent = (entry: Message): boolean => CONTENT_TYPES.has(entry.body.type);
export const isAction = (entry: Message): boolean => ACTION_TYPES.has(entry.body.type);
/** A text entry's text as it stands (its latest edit); "" for other entries. */
export const currentText = (entry: Message): string => entry.edited?.text ?? (entry.body.type === "text" ? entry.body.text : "");
/** The entry an action changes. */
export const targetOf = (entry: Message): number | undefined => ("target" in entry.body ? entry.body.target : undefined);

/** A membership or conversation change in words: `actor` names its sender, `name` other users. */
export function describeChange({ body, sender }: Message, actor: string, name: (user: string) => string): string {
  switch (body.type) {
    case "members_added":
      return `${actor} added ${body.users.map(name).join(", ")}`;
    case "member_removed":
      return body.user === sender ? `${actor} left` : `${actor} removed ${name(body.user)}`;
    case "role_changed":
      return `${actor} made ${name(body.user)} ${body.role === "member" ? "a member" : `an ${body.role}`}`;
    case "member_muted":
      return body.until === null ? `${actor} unmuted ${name(body.user)}` : `${actor} muted ${name(body.user)} until ${new Date(body.until).toLocaleString()}`;
    case "conversation_updated":
      return body.title !== undefined ? `${actor} renamed the group to “${body.title}”` : `${actor} changed the group's settings`;
    case "ownership_transferred":
      return `${actor} made ${name(body.to)} the owner`;
    case "dissolved":
      return `${actor} closed the group`;
    case "edit":
      return `${actor} edited a message`;
    case "recall":
    case "recalled":
      return "A message was recalled";
    case "reaction":
      return `${actor} reacted ${body.emoji}`;
    case "text":
    case "file":
    case "image":
      return contentText(body);
  }
}

/** A content entry's body as one line of text (files and images by their caption, or name). */
export function contentText(body: { type: "text"; text: string } | { type: "file" | "image"; caption?: string; name?: string }): string {
  if (body.type === "text") return body.text;
  const kind = body.type === "image" ? "Image" : "File";
  const label = body.caption ?? body.name;
  return label ? `${kind}: ${label}` : kind;
}
