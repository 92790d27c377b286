// The domain, assembled from its ports. Runtime adapters build this once and hand it to the app.
import { Accounts } from "./accounts.ts";
import { Contacts, defaultContactRules, type ContactRules } from "./contacts.ts";
import { Conversations } from "./conversations.ts";
import { DirectPeers } from "./direct-peers.ts";
import type { EventSink } from "./events.ts";
import { MemberCache } from "./member-cache.ts";
import { Messages, type MessageService } from "./messages.ts";
import type { Presence } from "./presence.ts";
import { PresenceQueries } from "./presence-queries.ts";
import { systemClock, type Clock, type PasswordHasher, type TokenSigner } from "./ports.ts";
import type { Store } from "./store/index.ts";

export interface ServiceDeps {
  store: Store;
  hasher: PasswordHasher;
  tokens: TokenSigner;
  events: EventSink;
  clock?: Clock;
  /** who is online; without it GET /v1/presence answers 501 */
  presence?: Presence;
  onLoginRevoked?: (loginId: string, userId?: string) => void | Promise<void>;
  /**
   * The member lists' cache, when the runtime must reach it from outside (Bun nodes drop lists
   * other nodes changed: syncMemberCache); else one of its own.
   */
  memberCache?: MemberCache;
  /** how a membership change reaches the caches of other nodes (see Conversations.membersChanged) */
  onMembersChanged?: (convId: string) => void | Promise<void>;
  /** DIRECT_MESSAGES and the cap on pending friend requests (default: src/config.ts's) */
  contactRules?: ContactRules;
  /** the direct conversations' pairs, when the runtime must reach them from outside (see direct-peers.ts); else its own */
  directPeers?: DirectPeers;
  /** how a change between two users reaches the other caches of them (see ContactsDeps.onPairChanged) */
  onPairChanged?: (a: string, b: string) => void | Promise<void>;
}

export interface Services {
  accounts: Accounts;
  conversations: Conversations;
  messages: MessageService;
  contacts: Contacts;
  presence?: PresenceQueries;
}

export function createServices(deps: ServiceDeps): Services {
  const clock = deps.clock ?? systemClock;
  const { store, events } = deps;
  const members = deps.memberCache ?? new MemberCache(store.conversations);
  const contacts = new Contacts({
    contacts: store.contacts,
    users: store.users,
    peers: deps.directPeers ?? new DirectPeers(store.contacts),
    onPairChanged: deps.onPairChanged,
    events,
    clock,
    rules: deps.contactRules ?? defaultContactRules,
  });
  const accounts = new Accounts({ users: store.users, logins: store.logins, hasher: deps.hasher, tokens: deps.tokens, clock, onLoginRevoked: deps.onLoginRevoked });
  const conversations = new Conversations({
    conversations: store.conversations,
    users: store.users,
    receipts: store.receipts,
    members,
    contacts,
    clock,
    onMembersChanged: deps.onMembersChanged,
  });
  const messages = new Messages({ messageLog: store.messageLog, receipts: store.receipts, conversations, contacts, events, clock });
  const presence = deps.presence && new PresenceQueries({ store, presence: deps.presence });
  return { accounts, conversations, messages, contacts, presence };
}
