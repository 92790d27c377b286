// The domain, assembled from its ports. Runtime adapters build this once and hand it to the app.
import { Accounts } from "./accounts.ts";
import { Conversations } from "./conversations.ts";
import type { EventSink } from "./events.ts";
import { MemberCache } from "./member-cache.ts";
import { Messages, type MessageService } from "./messages.ts";
import type { Presence } from "./presence.ts";
import { PresenceQueries } from "./presence-queries.ts";
import { systemClock, type Clock, type PasswordHasher, type Store, type TokenSigner } from "./ports.ts";

export interface ServiceDeps {
  store: Store;
  hasher: PasswordHasher;
  tokens: TokenSigner;
  events: EventSink;
  clock?: Clock;
  /** who is online; without it GET /v1/presence answers 501 */
  presence?: Presence;
  onLoginRevoked?: (loginId: string, userId?: string) => void | Promise<void>;
}

export interface Services {
  accounts: Accounts;
  conversations: Conversations;
  messages: MessageService;
  presence?: PresenceQueries;
}

export function createServices(deps: ServiceDeps): Services {
  const clock = deps.clock ?? systemClock;
  const members = new MemberCache(deps.store);
  const accounts = new Accounts({ ...deps, clock });
  const conversations = new Conversations({ store: deps.store, members, clock });
  const messages = new Messages({ store: deps.store, conversations, events: deps.events, clock });
  const presence = deps.presence && new PresenceQueries({ store: deps.store, presence: deps.presence });
  return { accounts, conversations, messages, presence };
}
