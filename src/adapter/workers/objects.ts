// Calls between the Worker and its Durable Objects (DO RPC, rpc.ts): the stubs, and the domain's
// AppError (code, details: the HTTP status and the ws error frame depend on them) carried across
// as a value.
import { directKey } from "../../core/conversations.ts";
import { AppError } from "../../core/errors.ts";
import type { GroupService } from "../../core/groups.ts";
import type { EventSink } from "../../core/events.ts";
import type { MessageService } from "../../core/messages.ts";
import type { ContactStore } from "../../core/store/contacts.ts";
import { log } from "../../log.ts";
import { routeEvent, type RoutedEvent } from "../../realtime/frames.ts";
import type { Env } from "./env.ts";
import type { Outcome, UserRpc } from "./rpc.ts";

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

/** Hands a routed event's frame for `user` to that user's object. */
export function handToUser(stub: DurableObjectStub<UserRpc>, user: string, routed: RoutedEvent): Promise<void> {
  switch (routed.kind) {
    case "stream":
      return stub.deliver(user, routed.message, routed.text, routed.sourceConnection);
    case "notify":
      return stub.notify(user, routed.text, routed.except);
    case "join":
      return stub.join(user, routed.conv, routed.text, routed.from);
  }
}

/**
 * Where the Worker's own events go (contact changes; conversations' events leave from their
 * objects): straight to the users' objects. Settles once they have the frame, or a delivery
 * failed (logged: the change is committed, and each list can be read again).
 */
export const userObjectEvents = (env: Env): EventSink => ({
  async publish(event) {
    const routed = routeEvent(event);
    await Promise.all(
      routed.to.map((user) =>
        handToUser(userObject(env, user), user, routed).catch((error) => log("realtime").warning("event to user {user} failed: {error}", { user, error })),
      ),
    );
  },
});

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

/**
 * A change between two users (a block, a friendship) reaches the one cache of it that lives
 * on: in their direct conversation's object, where the sends run (direct-peers.ts). A failure
 * is logged: the change is committed, and the entry is read again within a minute anyway.
 */
export async function pairChanged(env: Env, contacts: ContactStore, a: string, b: string): Promise<void> {
  try {
    const conv = await contacts.directConversation(directKey(a, b));
    if (conv) await conversationObject(env, conv).pairChanged(a, b);
  } catch (error) {
    log("realtime").warning("direct conversation of {a} and {b} not told of their change: {error}", { a, b, error });
  }
}

/** A revoked login (logout, refresh-token reuse): its sockets, all in the user's object, close 4010. */
export async function kickLogin(env: Env, loginId: string, userId: string | undefined): Promise<void> {
  if (userId) await userObject(env, userId).kickLogin(loginId);
}
