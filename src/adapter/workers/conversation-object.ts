// One Durable Object per conversation (idFromName(convId)): the single writer of its log and the
// fan-out point of its live traffic. It runs the core's Messages as is: sends of every socket and
// HTTP request meet in one GroupCommitter, which commits them in one transaction and answers
// after the commit (ack-after-commit, idempotent clientId: the store's). Where that transaction
// runs is the deployment's LOG_PLACEMENT (conversation-log.ts): in the object's own storage
// (one transactionSync per batch) or in the shared D1/libSQL database (one batch). Either way
// the transaction guarantees gapless seqs on its own; the object adds batching and order. Under
// "object" it also answers the Worker's reads of its log (history, receipts, the conversation).
//
// Events go to the members' user objects in commit order per user: one promise chain per user
// (parallel across users), each frame serialised once here for every recipient. A failed call
// is tried again (a user object's delivery is idempotent: a stream drops seqs it already sent);
// if it keeps failing it is logged and skipped: the user's next message then arrives past a
// gap, which the socket's ordered delivery fills from the store, so nothing is lost, only later.
import { DurableObject } from "cloudflare:workers";
import { DirectPeers } from "../../core/direct-peers.ts";
import type { DomainEvent } from "../../core/events.ts";
import type { MessageService } from "../../core/messages.ts";
import { measuredMessageLog } from "../../core/measured-message-log.ts";
import { createServices } from "../../core/services.ts";
import { pushEvents } from "../../core/push-events.ts";
import type { EventSink } from "../../core/events.ts";
import { log as logger } from "../../log.ts";
import { routeEvent } from "../../realtime/frames.ts";
import type { GroupService } from "../../core/groups.ts";
import type { SendBody } from "../../schema/entries.ts";
import type { Store } from "../../core/store/index.ts";
import type { MessageLog } from "../../core/store/message-log.ts";
import type { SearchStore } from "../../core/store/search.ts";
import type { SettingsChanges } from "../../core/store/conversation-list.ts";
import { ObjectLog, testLogMigration } from "./conversation-log.ts";
import type { Env } from "./env.ts";
import { ConversationBots } from "./conversation-bots.ts";
import { handToUser, outcome, userObject } from "./objects.ts";
import type { ConversationRpc } from "./rpc.ts";
import { objectRuntime } from "./runtime.ts";

type UserStub = ReturnType<typeof userObject>;

/** Attempts per delivery, and the pause before the second (doubling after). */
const DELIVERY_ATTEMPTS = 3;
const RETRY_AFTER_MS = 50;

async function withRetries(call: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await call();
      return;
    } catch (error) {
      if (attempt >= DELIVERY_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS * 2 ** (attempt - 1)));
    }
  }
}

export class ConversationObject extends DurableObject<Env> implements ConversationRpc {
  #messages!: MessageService;
  #groups!: GroupService;
  /** the store its services run on: the shared one, or the log in this object's storage */
  #store!: Store;
  /** under LOG_PLACEMENT=object: this object's log */
  #log: ObjectLog | undefined;
  /** its bots' events (conversation-bots.ts) */
  #bots!: ConversationBots;
  /** what stands between the two users, if this is a direct conversation (its sends check it) */
  readonly #peers: DirectPeers;
  /** per user, the last delivery in flight: the next one starts after it */
  readonly #chains = new Map<string, Promise<void>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const rt = objectRuntime(env);
    this.#peers = new DirectPeers(rt.deps.store.contacts);
    if (rt.settings.logPlacement === "shared") {
      this.#wire(rt.deps.store);
      return;
    }
    // No call is served before the storage is on the newest schema (an object that slept
    // through a deploy migrates here, keeping its data).
    void ctx.blockConcurrencyWhile(async () => {
      const directory = { store: rt.deps.store, db: rt.opened.db };
      this.#log = await ObjectLog.open(ctx.storage, directory, rt.settings.logTestMigration ? [await testLogMigration()] : []);
      this.#wire(this.#log.store);
    });
  }

  #wire(store: Store): void {
    const rt = objectRuntime(this.env);
    this.#store = store;
    // Bots hear of the same events, in the same order, beside the sockets (conversation-bots.ts).
    const bots = new ConversationBots(this.ctx, this.env, rt, store);
    this.#bots = bots;
    // reads clear push notifications (the user objects push the entries: they know who is offline)
    let reads: EventSink | undefined;
    const publish = (event: DomainEvent) => {
      this.#fanOut(event);
      bots.publish(event);
      const cleared = reads?.publish(event);
      if (cleared) this.ctx.waitUntil(cleared);
    };
    const log = this.#log;
    const measured = { ...store, messageLog: measuredMessageLog(bots.guard(store.messageLog), rt.metricsFor("conversation")) };
    const services = createServices({
      ...rt.deps,
      store: measured,
      directPeers: this.#peers,
      events: { publish },
      onIndexError: (error) => logger("search").warning("indexing failed: {error}", { error }),
      ...(log && {
        onMembersChanged: (conv: string) => log.directoryChanged(conv),
      }),
    });
    reads = services.push && pushEvents(services.push);
    this.#messages = services.messages;
    this.#groups = services.groups;
    // Its own index catches up with its own log: what a reset cut short is indexed now.
    if (log?.holdsLog && services.indexer) this.ctx.waitUntil(services.indexer.start());
  }

  /** Runs a call about `conv`, once this object holds its conversation (object placement). */
  #about<T>(conv: string, run: () => Promise<T>) {
    return outcome(async () => {
      await this.#log?.adopt(conv);
      return run();
    });
  }

  /** A group change: answered once the directory has it too (the Worker lists from there). */
  #changing<T>(conv: string, run: () => Promise<T>) {
    return this.#about(conv, async () => {
      const result = await run();
      await this.#log?.directorySettled();
      return result;
    });
  }

  send(userId: string, conv: string, input: { clientId: string; body: SendBody }, sourceConnection?: string) {
    return this.#about(conv, async () => {
      const result = await this.#messages.send(userId, conv, input, sourceConnection);
      // The sending socket's ack leaves through its stream, at the message's seq (after the
      // messages of others committed before it): its user object must have the message first.
      // So must it before an HTTP send answers under object placement: it keeps the sender's list.
      if (sourceConnection !== undefined || this.#log) await this.#chains.get(userId);
      return result;
    });
  }

  markRead(userId: string, conv: string, seq: number, sourceConnection?: string) {
    return this.#about(conv, async () => {
      const result = await this.#messages.markRead(userId, conv, seq, sourceConnection);
      // under object placement the reader's object keeps its list: it hears of the read first
      if (this.#log) await this.#chains.get(userId);
      return result;
    });
  }

  markDelivered(userId: string, conv: string, seq: number, sourceConnection?: string) {
    return this.#about(conv, () => this.#messages.markDelivered(userId, conv, seq, sourceConnection));
  }

  typing(userId: string, conv: string) {
    return this.#about(conv, () => this.#messages.typing(userId, conv));
  }

  edit(...args: Parameters<MessageService["edit"]>) {
    return this.#about(args[1], () => this.#messages.edit(...args));
  }

  recall(...args: Parameters<MessageService["recall"]>) {
    return this.#about(args[1], () => this.#messages.recall(...args));
  }

  react(...args: Parameters<MessageService["react"]>) {
    return this.#about(args[1], () => this.#messages.react(...args));
  }

  addMembers(...args: Parameters<GroupService["addMembers"]>) {
    return this.#changing(args[1], () => this.#groups.addMembers(...args));
  }

  removeMember(...args: Parameters<GroupService["removeMember"]>) {
    return this.#changing(args[1], () => this.#groups.removeMember(...args));
  }

  updateMember(...args: Parameters<GroupService["updateMember"]>) {
    return this.#changing(args[1], () => this.#groups.updateMember(...args));
  }

  transfer(...args: Parameters<GroupService["transfer"]>) {
    return this.#changing(args[1], () => this.#groups.transfer(...args));
  }

  update(...args: Parameters<GroupService["update"]>) {
    return this.#changing(args[1], () => this.#groups.update(...args));
  }

  dissolve(...args: Parameters<GroupService["dissolve"]>) {
    return this.#changing(args[1], () => this.#groups.dissolve(...args));
  }

  // The Worker's reads of the log under object placement (remote-log.ts); the Worker has judged
  // who may read what on the directory's roster.

  async readHistory(conv: string, range: Parameters<MessageLog["history"]>[1]) {
    await this.#log?.adopt(conv);
    return this.#store.messageLog.history(conv, range);
  }

  async readEntry(conv: string, seq: number) {
    await this.#log?.adopt(conv);
    return this.#store.messageLog.entry(conv, seq);
  }

  async hasReacted(conv: string, seq: number, userId: string, emoji: string) {
    await this.#log?.adopt(conv);
    return this.#store.messageLog.hasReacted(conv, seq, userId, emoji);
  }

  async readReferencing(conv: string, uploadId: string) {
    await this.#log?.adopt(conv);
    return this.#store.messageLog.referencing(uploadId);
  }

  async readSearch(conv: string, ...args: Parameters<SearchStore["search"]>) {
    await this.#log?.adopt(conv);
    return this.#store.search.search(...args);
  }

  async readReceipts(conv: string) {
    await this.#log?.adopt(conv);
    return this.#store.receipts.receipts(conv);
  }

  async readConversation(conv: string) {
    await this.#log?.adopt(conv);
    return this.#store.conversations.conversation(conv);
  }

  /** The user's line of the conversation list (last entry, read position, unread), and when it was last active. */
  async readSummary(conv: string, userId: string) {
    if (!this.#log) throw new Error("readSummary: the log is in the shared database here (LOG_PLACEMENT=shared)");
    await this.#log.adopt(conv);
    return this.#log.summary(conv, userId);
  }

  /** Bot events a commit of an earlier moment may have left behind are caught up (conversation-bots.ts). */
  override async alarm(): Promise<void> {
    await this.#bots.alarm();
  }

  // Each member's row of the conversation list under object placement (remote-list.ts): its
  // settings, clear and hidden entries are written here, where history, search and the counters
  // read them. The Worker has judged the caller a member on the directory's roster.

  async readListSettings(conv: string, userId: string) {
    return (await this.#listed(conv)).store.conversationList.settings(userId, conv);
  }

  async updateListSettings(conv: string, userId: string, changes: SettingsChanges) {
    return (await this.#listed(conv)).updateListSettings(conv, userId, changes);
  }

  async clearList(conv: string, userId: string, seq: number) {
    return (await this.#listed(conv)).store.conversationList.clear(userId, conv, seq);
  }

  async hideEntry(conv: string, userId: string, seq: number, max: number) {
    return (await this.#listed(conv)).store.conversationList.hide(userId, conv, seq, max);
  }

  async #listed(conv: string): Promise<ObjectLog> {
    if (!this.#log) throw new Error("the conversation list is in the shared database here (LOG_PLACEMENT=shared)");
    await this.#log.adopt(conv);
    return this.#log;
  }

  async pairChanged(a: string, b: string): Promise<void> {
    this.#peers.forgetPair(a, b);
  }

  /** Called synchronously in commit order (Messages' contract): the chains keep that order per user. */
  #fanOut(event: DomainEvent): void {
    const routed = routeEvent(event);
    for (const user of routed.to) this.#toUser(user, (u) => handToUser(u, user, routed));
  }

  #toUser(user: string, call: (stub: UserStub) => Promise<unknown>): void {
    const next = (this.#chains.get(user) ?? Promise.resolve())
      .then(() => withRetries(() => call(userObject(this.env, user))))
      .then(
        () => {},
        (error) => logger("realtime").warning("delivery to user {user} failed: {error}", { user, error }),
      );
    this.#chains.set(user, next);
    this.ctx.waitUntil(next);
    void next.then(() => {
      if (this.#chains.get(user) === next) this.#chains.delete(user);
    });
  }
}
