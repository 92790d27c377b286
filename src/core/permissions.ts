// Who may do what in a conversation: every rule of docs/protocol.md ("Entries", "Groups") in one
// place, judged on the conversation's roster, for HTTP and WebSocket alike. Each function returns
// what the caller needs or throws the contract's error.
import { CONTENT_TYPES } from "../schema/entries.ts";
import type { Message } from "../schema/messages.ts";
import type { Role } from "../schema/roles.ts";
import { AppError, forbidden, invalid, notFound } from "./errors.ts";
import { readableRange, type MemberState, type ReadableRange, type Roster } from "./roster.ts";

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };
const isAdmin = (member: MemberState) => RANK[member.role] >= RANK.admin;

/** What the user may read; 404 when it never belonged (never the conversation's data). */
export function requireReader(roster: Roster | null, userId: string): ReadableRange {
  const range = roster && readableRange(roster, userId);
  if (!range) throw notFound("conversation");
  return range;
}

/** A current member of a conversation that is still open: anything written needs this. */
export function requireWriter(roster: Roster | null, userId: string): MemberState {
  requireReader(roster, userId);
  const member = roster!.members.get(userId);
  if (!member) throw forbidden("you are no longer a member of this conversation");
  if (roster!.closedSeq !== null) throw new AppError("conversation_closed", "the conversation was dissolved");
  return member;
}

/** Sends of content: a writer who is not muted, and an admin where only admins send. */
export function requireSender(roster: Roster | null, userId: string, now: number): MemberState {
  const member = requireWriter(roster, userId);
  if (member.mutedUntil !== null && member.mutedUntil > now) {
    throw new AppError("muted", "you are muted in this conversation", { until: member.mutedUntil });
  }
  if (roster!.onlyAdminsSend && !isAdmin(member)) throw forbidden("only admins send in this conversation");
  return member;
}

/** Mentions name members only; `["all"]` is for admins and the owner. */
export function checkMentions(roster: Roster, sender: MemberState, mentions: readonly string[] | undefined): void {
  if (!mentions) return;
  if (mentions.includes("all")) {
    if (mentions.length > 1) throw invalid('"all" mentions everyone: name no one else with it', { mentions });
    if (!isAdmin(sender)) throw forbidden("only admins and the owner mention all");
    return;
  }
  const strangers = mentions.filter((id) => !roster.members.has(id));
  if (strangers.length > 0) throw invalid("mentions must name members of the conversation", { mentions: strangers });
}

/** An edit: the sender's own text entry, not recalled, within the window. */
export function checkEditable(target: Message, userId: string, now: number, windowMs: number): void {
  if (target.body.type !== "text" || target.recalled) throw new AppError("not_editable", "only text entries that are not recalled can be edited");
  if (target.sender !== userId) throw new AppError("not_editable", "only the sender edits an entry");
  if (now - target.ts > windowMs) throw new AppError("not_editable", `entries can be edited for ${windowMs / 1000} s`, { window: windowMs / 1000 });
}

/** A recall: the sender within the window; a group's admins and owner at any time. */
export function checkRecallable(roster: Roster, actor: MemberState, target: Message, userId: string, now: number, windowMs: number): void {
  if (!isContentEntry(target)) throw invalid("only content entries can be recalled", { target: target.seq });
  if (target.recalled) throw new AppError("not_editable", "already recalled");
  if (roster.kind === "group" && isAdmin(actor)) return;
  if (target.sender !== userId) throw new AppError("not_editable", "only the sender, or a group's admins, recall an entry");
  if (now - target.ts > windowMs) throw new AppError("not_editable", `entries can be recalled for ${windowMs / 1000} s`, { window: windowMs / 1000 });
}

/** Reactions go to content entries that are not recalled. */
export function checkReactable(target: Message): void {
  if (!isContentEntry(target)) throw invalid("reactions go to content entries, not to actions or membership changes", { target: target.seq });
  if (target.recalled) throw invalid("the entry was recalled", { target: target.seq });
}

export const isContentEntry = (entry: Message): boolean => CONTENT_TYPES.has(entry.body.type);

// ---- group administration ----------------------------------------------------------------------

function requireGroup(roster: Roster): void {
  if (roster.kind !== "group") throw forbidden("a direct conversation has no membership changes");
}

/** Adding members, changing the group's settings: admins and the owner. */
export function requireAdmin(roster: Roster | null, userId: string): MemberState {
  const actor = requireWriter(roster, userId);
  requireGroup(roster!);
  if (!isAdmin(actor)) throw forbidden("only admins and the owner do this");
  return actor;
}

/** Removing: anyone removes themselves (an owner transfers first), admins remove members, the owner anyone. */
export function checkRemove(roster: Roster | null, userId: string, target: string): void {
  const actor = requireWriter(roster, userId);
  requireGroup(roster!);
  const member = requireCurrentMember(roster!, target);
  if (target === userId) {
    if (actor.role === "owner") throw forbidden("the owner transfers ownership before leaving");
    return;
  }
  if (!isAdmin(actor) || RANK[member.role] >= RANK[actor.role]) throw forbidden(`a ${actor.role} cannot remove a ${member.role}`);
}

/** Roles: the owner sets admin or member of another member (ownership moves by transfer only). */
export function checkRoleChange(roster: Roster | null, userId: string, target: string, role: Role): void {
  const actor = requireWriter(roster, userId);
  requireGroup(roster!);
  if (actor.role !== "owner") throw forbidden("only the owner changes roles");
  if (role === "owner") throw forbidden("ownership moves by transfer (POST …/transfer), not by role");
  if (target === userId) throw forbidden("the owner's role changes by transfer only");
  requireCurrentMember(roster!, target);
}

/** Muting: admins mute members, the owner also admins; never oneself or the owner. */
export function checkMute(roster: Roster | null, userId: string, target: string): void {
  const actor = requireWriter(roster, userId);
  requireGroup(roster!);
  const member = requireCurrentMember(roster!, target);
  if (target === userId || !isAdmin(actor) || RANK[member.role] >= RANK[actor.role]) {
    throw forbidden(`a ${actor.role} cannot mute a ${member.role}`);
  }
}

/** Transfer and dissolve: the owner's alone. */
export function requireOwner(roster: Roster | null, userId: string): MemberState {
  const actor = requireWriter(roster, userId);
  requireGroup(roster!);
  if (actor.role !== "owner") throw forbidden("only the owner does this");
  return actor;
}

export function requireCurrentMember(roster: Roster, userId: string): MemberState {
  const member = roster.members.get(userId);
  if (!member) throw notFound("member");
  return member;
}
