// The domain services as the Workers runtime needs them:
// - accounts: one per isolate. Its only state is the decoy hash that makes a login with an
//   unknown username cost as much as one with a wrong password (rebuilt per request, every miss
//   would cost an extra PBKDF2 and tell which usernames exist). A revoked login is kicked in
//   its user's Durable Object, before the logout or refresh answers.
// - conversations: fresh instances for every call. Their state is shared I/O (the member cache
//   shares one pending query between requests), and a Worker request must not depend on
//   another request's I/O.
// - messages: writes go to the conversation's Durable Object (the single writer of its seq,
//   which groups the commits and pushes msg/receipt/typing frames to the members' sockets, HTTP
//   sends included); history is read from the store, per call like conversations. Under
//   LOG_PLACEMENT=object the store's log parts are the conversations' objects (remote-log.ts).
// - list (each user's settings, clears, hides, unread totals): per call like conversations; its
//   `settings` frames go from the Worker straight to the user's object, before the answer. A
//   read's frame leaves from the conversation's object, where the read commits.
// - contacts: per call like conversations; their `contact` frames go from the Worker straight
//   to the users' objects, and a change between two users to their direct conversation's
//   object (whose sends check it), before the answer.
// - presence: with Upstash, asked of Upstash, as Bun nodes do; without, the status of each user
//   is asked of that user's object, which holds its sockets.
// - uploads: one per isolate (it counts the uploads in flight of each user); the bytes go to R2
//   straight from the Worker, no object involved.
// - push: one per isolate, like uploads; entries are pushed by the user objects, reads cleared by
//   the conversations' objects (push.ts).
import { PresenceQueries } from "../../core/presence-queries.ts";
import { createServices, type ServiceDeps, type Services } from "../../core/services.ts";
import type { LogPlacement } from "./conversation-log.ts";
import type { Env } from "./env.ts";
import { remoteLogStore } from "./remote-log.ts";
import type { LinesOf } from "./remote-list.ts";
import { kickLogin, pairChanged, remoteGroups, remoteMessages, userObject, userObjectEvents } from "./objects.ts";

/** An object whose every property access is served by a fresh instance from `make`. */
function perCall<T extends object>(make: () => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = make();
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * The services for the Workers runtime: accounts shared by the isolate, the rest per call or remote.
 * `lines`: the user's object passes its own list lines (LOG_PLACEMENT=object), not to call itself.
 */
export function workersServices(deps: ServiceDeps, env: Env, placement: LogPlacement, lines?: LinesOf): Services {
  // Nothing commits here, so nothing is indexed here: the conversations' objects index what they commit.
  const store = placement === "object" ? remoteLogStore(env, deps.store, lines) : deps.store;
  const reading = { ...deps, store, searchIndex: false };
  // accounts, bots (their token cache and long polls) and uploads (who has some in flight): per isolate
  const shared = createServices({ ...reading, onLoginRevoked: (loginId, userId) => kickLogin(env, loginId, userId) });
  return {
    accounts: shared.accounts,
    bots: shared.bots,
    updates: shared.updates,
    telegram: shared.telegram,
    uploads: shared.uploads,
    // push: one per isolate (its deliveries in flight are bounded per isolate)
    push: shared.push,
    conversations: perCall(() => createServices(reading).conversations),
    list: perCall(() => createServices({ ...reading, events: userObjectEvents(env) }).list),
    messages: remoteMessages(env, perCall(() => createServices(reading).messages)),
    groups: remoteGroups(env),
    search: perCall(() => createServices(reading).search),
    contacts: perCall(
      () => createServices({ ...reading, events: userObjectEvents(env), onPairChanged: (a, b) => pairChanged(env, deps.store.contacts, a, b) }).contacts,
    ),
    // without Upstash, each user's object knows whether its user is online (user-object.ts)
    presence: new PresenceQueries({
      store,
      presence: deps.presence ?? { status: (userIds) => Promise.all(userIds.map((id) => userObject(env, id).presence(id))) },
    }),
  };
}
