// Calls between the Worker and its Durable Objects (DO RPC, rpc.ts): the stubs, and the domain's
// AppError (code, details: the HTTP status and the ws error frame depend on them) carried across
// as a value.
import { AppError } from "../../core/errors.ts";
import type { GroupService } from "../../core/groups.ts";
import type { MessageService } from "../../core/messages.ts";
import type { Env } from "./env.ts";
import type { Outcome } from "./rpc.ts";

/** On the object's side: an AppError becomes a value; anything else stays a failure. */
export async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await run() };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
  }
}

/** On the caller's side. */
export async function unwrap<T>(call: Promise<Outcome<T>>): Promise<T> {
  const result = await call;
  if ("error" in result) throw new AppError(result.error.code, result.error.message, result.error.details);
  return result.ok;
}

/** The header with which the Worker tells a user object whose socket an upgrade is (set by the Worker only). */
export const OWNER_HEADER = "X-Parley-User";

export const conversationObject = (env: Env, conv: string) => env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(conv));
export const userObject = (env: Env, userId: string) => env.USERS.get(env.USERS.idFromName(userId));

/**
 * Messages as the Worker and the user objects see them: every write goes through the
 * conversation's object (the single writer of its seq, and the fan-out of its events); reads
 * go to the store directly (`reader`).
 */
export function remoteMessages(env: Env, reader: Pick<MessageService, "history">): MessageService {
  const at = (conv: string) => conversationObject(env, conv);
  return {
    send: (userId, conv, input, sourceConnection) => unwrap(at(conv).send(userId, conv, input, sourceConnection)),
    edit: (userId, conv, target, input) => unwrap(at(conv).edit(userId, conv, target, input)),
    recall: (userId, conv, target, input) => unwrap(at(conv).recall(userId, conv, target, input)),
    react: (userId, conv, target, input) => unwrap(at(conv).react(userId, conv, target, input)),
    history: (userId, conv, range) => reader.history(userId, conv, range),
    markRead: (userId, conv, seq, sourceConnection) => unwrap(at(conv).markRead(userId, conv, seq, sourceConnection)),
    markDelivered: (userId, conv, seq, sourceConnection) => unwrap(at(conv).markDelivered(userId, conv, seq, sourceConnection)),
    typing: (userId, conv) => unwrap(at(conv).typing(userId, conv)),
  };
}

/** Group administration, in the conversation's object like every write of its log. */
export function remoteGroups(env: Env): GroupService {
  const at = (conv: string) => conversationObject(env, conv);
  return {
    addMembers: (userId, conv, input) => unwrap(at(conv).addMembers(userId, conv, input)),
    removeMember: (userId, conv, target, input) => unwrap(at(conv).removeMember(userId, conv, target, input)),
    updateMember: (userId, conv, target, input) => unwrap(at(conv).updateMember(userId, conv, target, input)),
    transfer: (userId, conv, input) => unwrap(at(conv).transfer(userId, conv, input)),
    update: (userId, conv, input) => unwrap(at(conv).update(userId, conv, input)),
    dissolve: (userId, conv, input) => unwrap(at(conv).dissolve(userId, conv, input)),
  };
}

/** A revoked login (logout, refresh-token reuse): its sockets, all in the user's object, close 4010. */
export async function kickLogin(env: Env, loginId: string, userId: string | undefined): Promise<void> {
  if (userId) await userObject(env, userId).kickLogin(loginId);
}
