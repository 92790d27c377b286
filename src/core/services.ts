// The domain, assembled from its ports. Runtime adapters build this once and hand it to the app.
import { Accounts } from "./accounts.ts";
import { Conversations } from "./conversations.ts";
import type { EventSink } from "./events.ts";
import { MemberCache } from "./member-cache.ts";
import { Messages, type MessageService } from "./messages.ts";
import type { Presence } from "./presence.ts";
import { PresenceQueries } from "./presence-queries.ts";
import { systemClock, type Clock, type PasswordHasher, type TokenSigner } from "./ports.ts";
import type { Store } from "./store/index.ts";
import { Uploads, type UploadDeps } from "./uploads.ts";

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
  /** where upload bytes go, and their limits; without it the /v1/uploads routes answer 501 */
  uploads?: Omit<UploadDeps, "store" | "clock" | "canRead">;
}

export interface Services {
  accounts: Accounts;
  conversations: Conversations;
  messages: MessageService;
  presence?: PresenceQueries;
  uploads?: Uploads;
}

export function createServices(deps: ServiceDeps): Services {
  const clock = deps.clock ?? systemClock;
  const { store, events } = deps;
  const members = deps.memberCache ?? new MemberCache(store.conversations);
  const accounts = new Accounts({ users: store.users, logins: store.logins, hasher: deps.hasher, tokens: deps.tokens, clock, onLoginRevoked: deps.onLoginRevoked });
  const conversations = new Conversations({
    conversations: store.conversations,
    users: store.users,
    receipts: store.receipts,
    members,
    clock,
    onMembersChanged: deps.onMembersChanged,
  });
  const messages = new Messages({ messageLog: store.messageLog, receipts: store.receipts, conversations, events, clock });
  const presence = deps.presence && new PresenceQueries({ conversations: store.conversations, presence: deps.presence });
  const uploads = deps.uploads && new Uploads({ ...deps.uploads, store: store.uploads, clock });
  return { accounts, conversations, messages, presence, uploads };
}
