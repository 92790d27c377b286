// The domain, assembled from its ports. Runtime adapters build this once and hand it to the app.
import { Accounts } from "./accounts.ts";
import { Contacts, defaultContactRules, type ContactRules } from "./contacts.ts";
import type { BotEventSink } from "./bot-events.ts";
import { Bots, defaultBotPolicy, type BotPolicy } from "./bots.ts";
import { ConversationList } from "./conversation-list.ts";
import { Conversations } from "./conversations.ts";
import { DirectPeers } from "./direct-peers.ts";
import type { EventSink } from "./events.ts";
import { RosterCache } from "./roster-cache.ts";
import { Groups, type GroupService } from "./groups.ts";
import { LogWriter } from "./log-writer.ts";
import { Search } from "./search.ts";
import { SearchIndexer } from "./search-indexer.ts";
import { defaultWindows, Messages, type EntryWindows, type MessageService } from "./messages.ts";
import type { Presence } from "./presence.ts";
import { PresenceQueries } from "./presence-queries.ts";
import { systemClock, type Clock, type PasswordHasher, type TokenSigner } from "./ports.ts";
import type { Store } from "./store/index.ts";
import { Uploads, type UploadDeps } from "./uploads.ts";
import { TelegramView } from "./telegram/view.ts";
import { UpdatePolls } from "./update-polls.ts";
import { checkWebhookUrl, type WebhookUrlRules } from "./webhook-url.ts";

/** How a runtime runs bots (docs/protocol.md "Bots and integrations"). */
export interface BotWiring {
  policy: BotPolicy;
  urlRules: WebhookUrlRules;
  /** how often a waiting long poll looks at the outbox */
  pollIntervalMs: number;
  /** whether the sink wakes long polls (Bun); on Workers they only look every pollIntervalMs */
  wakePolls: boolean;
  /** the runtime's sink here: told of created conversations (bots in them hear of it) */
  sink?: BotEventSink;
  /** the webhook was set or removed: deliveries (re)start */
  onWebhookChanged?(botId: string): void | Promise<void>;
}

const noBotWiring: BotWiring = { policy: defaultBotPolicy, urlRules: { allowPrivate: false, httpsOnly: false }, pollIntervalMs: 1000, wakePolls: false };

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
   * other nodes changed: syncRosterCache); else one of its own.
   */
  rosterCache?: RosterCache;
  /** how a membership change reaches the caches of other nodes (see Conversations.membersChanged) */
  onMembersChanged?: (convId: string) => void | Promise<void>;
  /** how long edits and recalls are allowed (EDIT_WINDOW_S, RECALL_WINDOW_S) */
  windows?: EntryWindows;
  /** false: no full-text index is kept (SEARCH_INDEX=off) */
  searchIndex?: boolean;
  onIndexError?: (error: unknown) => void;
  /** DIRECT_MESSAGES and the cap on pending friend requests (default: src/config.ts's) */
  contactRules?: ContactRules;
  /** the direct conversations' pairs, when the runtime must reach them from outside (see direct-peers.ts); else its own */
  directPeers?: DirectPeers;
  /** how a change between two users reaches the other caches of them (see ContactsDeps.onPairChanged) */
  onPairChanged?: (a: string, b: string) => void | Promise<void>;
  /** where upload bytes go, and their limits; without it the /v1/uploads routes answer 501 */
  uploads?: Omit<UploadDeps, "store" | "clock" | "canRead">;
  bots?: BotWiring;
}

export interface Services {
  accounts: Accounts;
  conversations: Conversations;
  /** each user's own list: settings, clearing, hiding, unread counts */
  list: ConversationList;
  messages: MessageService;
  groups: GroupService;
  search: Search;
  /** fills the search index after commits (absent when SEARCH_INDEX=off) */
  indexer?: SearchIndexer;
  contacts: Contacts;
  presence?: PresenceQueries;
  uploads?: Uploads;
  bots: Bots;
  updates: UpdatePolls;
  telegram: TelegramView;
}

export function createServices(deps: ServiceDeps): Services {
  const clock = deps.clock ?? systemClock;
  const { store } = deps;
  const indexer = deps.searchIndex === false ? undefined : new SearchIndexer(store.search, deps.onIndexError ?? (() => {}));
  // What commits is indexed afterwards, off the ack path (search-indexer.ts).
  const events: EventSink = indexer
    ? { publish: (event) => (event.type === "message" && indexer.touched(event.message.conv), deps.events.publish(event)) }
    : deps.events;
  const rosters = deps.rosterCache ?? new RosterCache(store.conversations);
  const contacts = new Contacts({
    contacts: store.contacts,
    users: store.users,
    peers: deps.directPeers ?? new DirectPeers(store.contacts),
    onPairChanged: deps.onPairChanged,
    events,
    clock,
    rules: deps.contactRules ?? defaultContactRules,
  });
  const wiring = deps.bots ?? noBotWiring;
  let updates: UpdatePolls | undefined;
  const bots = new Bots({
    bots: store.bots,
    outbox: store.botOutbox,
    clock,
    policy: wiring.policy,
    checkWebhookUrl: async (url) => void (await checkWebhookUrl(url, wiring.urlRules)),
    onTokenRevoked: async (loginId, botId) => {
      await deps.onLoginRevoked?.(loginId, botId);
      if (wiring.wakePolls) updates?.wake([botId]);
    },
    onWebhookChanged: wiring.onWebhookChanged,
  });
  updates = new UpdatePolls({ outbox: store.botOutbox, bots, clock, retentionMs: wiring.policy.retentionMs, intervalMs: wiring.pollIntervalMs, maxPerBot: 2 });
  const accounts = new Accounts({ users: store.users, logins: store.logins, hasher: deps.hasher, tokens: deps.tokens, clock, onLoginRevoked: deps.onLoginRevoked, bots });
  const conversations = new Conversations({
    conversations: store.conversations,
    users: store.users,
    receipts: store.receipts,
    messageLog: store.messageLog,
    rosters,
    contacts,
    clock,
    onMembersChanged: deps.onMembersChanged,
    onCreated: wiring.sink && ((conversation, by) => wiring.sink!.conversationCreated(conversation, by)),
  });
  const writer = new LogWriter({
    log: store.messageLog,
    events,
    rosterChanged: (convId) => void conversations.membersChanged(convId).catch(() => {}), // other nodes re-read within maxAgeMs anyway
  });
  const windows = deps.windows ?? defaultWindows;
  // Who may download an upload besides its uploader: whoever may read an entry that refers to it.
  const uploads = deps.uploads && new Uploads({ ...deps.uploads, store: store.uploads, clock, canRead: (userId, upload) => conversations.readsUpload(userId, upload.id) });
  const list = new ConversationList({ store: store.conversationList, roster: (convId) => conversations.roster(convId), events, clock });
  const messages = new Messages({ messageLog: store.messageLog, receipts: store.receipts, conversations, contacts, uploads, writer, list, events, clock, windows });
  const groups = new Groups({ conversations, users: store.users, writer, clock });
  const presence = deps.presence && new PresenceQueries({ store, presence: deps.presence });
  const telegram = new TelegramView({ bots: store.bots, users: store.users, conversations: store.conversations, messageLog: store.messageLog });
  return { accounts, conversations, list, messages, groups, contacts, search: new Search(store.search), indexer, presence, uploads, bots, updates, telegram };
}
