// Mentions in a group's messages: `@username` in the text names a member. What the composer
// suggests while one is being typed, which members (or "all") a sent text names — the body's
// `mentions`, which the server checks are members — and where a text mentions the reader.
import type { Message, User } from "parley/client";

/** The most mentions one message may carry (src/schema/entries.ts MAX_MENTIONS). */
const MAX_MENTIONS = 50;
const SUGGESTED = 8;
/** `@all`: everyone, for admins and the owner */
export const ALL: User = { id: "all", username: "all", displayName: "Everyone in this group" };

/** The `@word` being typed just before the caret: where its `@` is and the word so far. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const match = /(?:^|\s)@([\w.-]{0,32})$/.exec(text.slice(0, caret));
  return match ? { start: caret - match[1]!.length - 1, query: match[1]!.toLowerCase() } : null;
}

/** Who to suggest for `query`: members whose username or a word of whose display name starts with it ("all" by its name only). */
export function suggestions(members: readonly User[], query: string): User[] {
  const starts = (s: string) => s.toLowerCase().startsWith(query);
  const matches = (u: User) => starts(u.username) || (u.id !== ALL.id && u.displayName.split(/\s+/).some(starts));
  return members.filter(matches).slice(0, SUGGESTED);
}

/** The `mentions` of a text: ["all"] when it says @all (and `members` offers it), else the members it names. */
export function mentionsIn(text: string, members: readonly User[]): string[] | undefined {
  const named = new Set(tokens(text).map((t) => t.username));
  const found = members.filter((u) => named.has(u.username));
  if (found.some((u) => u.id === ALL.id)) return [ALL.id];
  return found.length ? found.slice(0, MAX_MENTIONS).map((u) => u.id) : undefined;
}

/** Where `text` says `@username` for one of `usernames`, as [start, end) offsets. */
export function mentionRanges(text: string, usernames: readonly string[]): [number, number][] {
  return tokens(text)
    .filter((t) => usernames.includes(t.username))
    .map((t) => [t.start, t.start + t.username.length + 1]);
}

/** Every `@name` in a text (at its start or after a space); a trailing "." ends a sentence, not the name. */
function tokens(text: string): { start: number; username: string }[] {
  return [...text.matchAll(/(?:^|\s)@([\w.-]{1,32})/g)].map((m) => {
    const username = m[1]!.replace(/\.+$/, "").toLowerCase();
    return { start: m.index + m[0].length - m[1]!.length - 1, username };
  });
}

/** Whether an entry mentions `user`, by name or as everyone (a recalled one no longer does). */
export function mentionsUser(entry: Message, user: string): boolean {
  const mentions = entry.body.type === "text" ? entry.body.mentions : undefined;
  return !entry.recalled && !!mentions && (mentions.includes(user) || mentions.includes(ALL.id));
}
