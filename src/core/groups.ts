// Running a group: adding and removing people, roles, muting, settings, handing it over, closing
// it. Every change is an entry of the log (docs/protocol.md "Groups"), judged by permissions.ts,
// committed alone so that everything after it is judged on the new roster, which is read again
// as soon as it commits (on every node: Conversations.membersChanged).
import type { ConversationChanges, EntryBody } from "../schema/entries.ts";
import type { Role } from "../schema/roles.ts";
import type { Conversations } from "./conversations.ts";
import { AppError, invalid } from "./errors.ts";
import type { EntryToAppend, LogWriter } from "./log-writer.ts";
import type { Stored } from "./messages.ts";
import { checkMute, checkRemove, checkRoleChange, requireAdmin, requireCurrentMember, requireOwner, requireWriter } from "./permissions.ts";
import type { Clock } from "./ports.ts";
import { newId } from "./random.ts";
import { conversationOf, memberIds, type Roster } from "./roster.ts";
import type { UserStore } from "./store/users.ts";

/** The most members a group may have (also the most a group is created with). */
export const MAX_GROUP_MEMBERS = 5000;

/** A change made by an administrative request; `clientId` makes a retry idempotent. */
type Request<T = object> = T & { clientId?: string };

export interface GroupService {
  addMembers(userId: string, convId: string, input: Request<{ users: string[] }>): Promise<Stored>;
  removeMember(userId: string, convId: string, target: string, input: Request): Promise<Stored>;
  /** role and mute are one entry each: the entries made, in order */
  updateMember(userId: string, convId: string, target: string, input: Request<{ role?: Role; mutedUntil?: number | null }>): Promise<Stored[]>;
  transfer(userId: string, convId: string, input: Request<{ to: string }>): Promise<Stored>;
  update(userId: string, convId: string, input: Request<ConversationChanges>): Promise<Stored>;
  dissolve(userId: string, convId: string, input: Request): Promise<Stored>;
}

export class Groups implements GroupService {
  constructor(private readonly deps: { conversations: Conversations; users: UserStore; writer: LogWriter; clock: Clock }) {}

  async addMembers(userId: string, convId: string, input: Request<{ users: string[] }>): Promise<Stored> {
    const roster = await this.deps.conversations.roster(convId);
    requireAdmin(roster, userId);
    const users = [...new Set(input.users)];
    const already = users.filter((id) => roster!.members.has(id));
    if (already.length > 0) throw invalid("already members", { users: already });
    const found = new Set(await this.deps.users.existingUserIds(users));
    const unknown = users.filter((id) => !found.has(id));
    if (unknown.length > 0) throw invalid("unknown users", { users: unknown });
    if (roster!.members.size + users.length > MAX_GROUP_MEMBERS) throw invalid(`a group has at most ${MAX_GROUP_MEMBERS} members`, { users: users.length });
    const after = conversationOf(roster!, 0);
    after.members.push(...users.map((id) => ({ userId: id, role: "member" as const, mutedUntil: null })));
    return this.#change(roster!, userId, input, { type: "members_added", users }, {
      recipients: [...memberIds(roster!), ...users],
      joined: {
        users,
        conversation: (seq) => ({ ...after, lastSeq: seq }),
        // since_join: a new member reads from the entry that added it
        from: (seq) => (roster!.history === "all" ? 1 : seq),
      },
    });
  }

  async removeMember(userId: string, convId: string, target: string, input: Request): Promise<Stored> {
    const roster = await this.deps.conversations.roster(convId);
    checkRemove(roster, userId, target);
    // The removed member is told too: it reads up to and including its removal.
    return this.#change(roster!, userId, input, { type: "member_removed", user: target });
  }

  async updateMember(userId: string, convId: string, target: string, input: Request<{ role?: Role; mutedUntil?: number | null }>): Promise<Stored[]> {
    if (input.role === undefined && input.mutedUntil === undefined) throw invalid("nothing to change: give role or mutedUntil");
    const made: Stored[] = [];
    if (input.role !== undefined) {
      const roster = await this.deps.conversations.roster(convId);
      checkRoleChange(roster, userId, target, input.role);
      if (requireCurrentMember(roster!, target).role !== input.role) {
        made.push(await this.#change(roster!, userId, { clientId: input.clientId && `${input.clientId}:role` }, { type: "role_changed", user: target, role: input.role }));
      }
    }
    if (input.mutedUntil !== undefined) {
      const roster = await this.deps.conversations.roster(convId);
      checkMute(roster, userId, target);
      const until = input.mutedUntil;
      if (until !== null && until <= this.deps.clock.now()) throw invalid("mutedUntil must be in the future (null unmutes)", { mutedUntil: until });
      made.push(await this.#change(roster!, userId, { clientId: input.clientId && `${input.clientId}:mute` }, { type: "member_muted", user: target, until }));
    }
    return made;
  }

  async transfer(userId: string, convId: string, input: Request<{ to: string }>): Promise<Stored> {
    const roster = await this.deps.conversations.roster(convId);
    requireOwner(roster, userId);
    if (input.to === userId) throw invalid("the owner already owns it", { to: input.to });
    requireCurrentMember(roster!, input.to);
    return this.#change(roster!, userId, input, { type: "ownership_transferred", to: input.to });
  }

  async update(userId: string, convId: string, input: Request<ConversationChanges>): Promise<Stored> {
    const roster = await this.deps.conversations.roster(convId);
    requireAdmin(roster, userId);
    const { clientId, ...changes } = input;
    if (Object.keys(changes).length === 0) throw invalid("nothing to change");
    return this.#change(roster!, userId, input, { type: "conversation_updated", ...changes });
  }

  async dissolve(userId: string, convId: string, input: Request): Promise<Stored> {
    const roster = await this.deps.conversations.roster(convId);
    requireOwner(roster, userId);
    return this.#change(roster!, userId, input, { type: "dissolved" });
  }

  async #change(roster: Roster, userId: string, input: Request, body: EntryBody, extra: Partial<EntryToAppend> = {}): Promise<Stored> {
    const now = this.deps.clock.now();
    const entry = { id: newId(), conv: roster.id, sender: userId, clientId: input.clientId ?? `server:${newId()}`, ts: now, body };
    const result = await this.deps.writer.append({ entry, recipients: memberIds(roster), alone: true, changesRoster: true, ...extra });
    if (result) return result;
    // Refused in the transaction: the actor left or the group was dissolved meanwhile.
    requireWriter(await this.deps.conversations.roster(roster.id, { fresh: true }), userId);
    throw new AppError("conflict", "the conversation changed meanwhile: try again");
  }
}
