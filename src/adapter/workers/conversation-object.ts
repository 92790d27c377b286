// One Durable Object per conversation (idFromName(convId)): the single writer of its log and the
// fan-out point of its live traffic. It runs the core's Messages as is: sends of every socket and
// HTTP request meet in one GroupCommitter, which commits them in one D1/libSQL transaction and
// answers after the commit (ack-after-commit, idempotent clientId: the store's). The store's
// transaction still guarantees gapless seqs on its own; the object adds batching and order.
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
import { log } from "../../log.ts";
import { routeEvent } from "../../realtime/frames.ts";
import type { GroupService } from "../../core/groups.ts";
import type { SendBody } from "../../schema/entries.ts";
import type { Env } from "./env.ts";
import { workersBotSink } from "./bots.ts";
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
  readonly #messages: MessageService;
  readonly #groups: GroupService;
  /** what stands between the two users, if this is a direct conversation (its sends check it) */
  readonly #peers: DirectPeers;
  /** per user, the last delivery in flight: the next one starts after it */
  readonly #chains = new Map<string, Promise<void>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const rt = objectRuntime(env);
    this.#peers = new DirectPeers(rt.deps.store.contacts);
    // Bots hear of the same events, in the same order, beside the sockets (bots.ts).
    const bots = workersBotSink(env, rt);
    let botsCaughtUp = false;
    // reads clear push notifications (the user objects push the entries: they know who is offline)
    let reads: EventSink | undefined;
    const publish = (event: DomainEvent) => {
      this.#fanOut(event);
      // An earlier life of this object may have committed entries whose bot events it never
      // appended (evicted between the two): the first commit of this life catches them up first.
      if (!botsCaughtUp && event.type === "message") {
        botsCaughtUp = true;
        void bots.catchUp(rt.deps.store.messageLog, event.message.conv);
      }
      bots.publish(event);
      this.ctx.waitUntil(bots.idle);
      const cleared = reads?.publish(event);
      if (cleared) this.ctx.waitUntil(cleared);
    };
    const store = { ...rt.deps.store, messageLog: measuredMessageLog(rt.deps.store.messageLog, rt.metricsFor("conversation")) };
    const services = createServices({ ...rt.deps, store, directPeers: this.#peers, events: { publish } });
    reads = services.push && pushEvents(services.push);
    this.#messages = services.messages;
    this.#groups = services.groups;
  }

  send(userId: string, conv: string, input: { clientId: string; body: SendBody }, sourceConnection?: string) {
    return outcome(async () => {
      const result = await this.#messages.send(userId, conv, input, sourceConnection);
      // The sending socket's ack leaves through its stream, at the message's seq (after the
      // messages of others committed before it): its user object must have the message first.
      if (sourceConnection !== undefined) await this.#chains.get(userId);
      return result;
    });
  }

  markRead(userId: string, conv: string, seq: number, sourceConnection?: string) {
    return outcome(() => this.#messages.markRead(userId, conv, seq, sourceConnection));
  }

  markDelivered(userId: string, conv: string, seq: number, sourceConnection?: string) {
    return outcome(() => this.#messages.markDelivered(userId, conv, seq, sourceConnection));
  }

  typing(userId: string, conv: string) {
    return outcome(() => this.#messages.typing(userId, conv));
  }

  edit(...args: Parameters<MessageService["edit"]>) {
    return outcome(() => this.#messages.edit(...args));
  }

  recall(...args: Parameters<MessageService["recall"]>) {
    return outcome(() => this.#messages.recall(...args));
  }

  react(...args: Parameters<MessageService["react"]>) {
    return outcome(() => this.#messages.react(...args));
  }

  addMembers(...args: Parameters<GroupService["addMembers"]>) {
    return outcome(() => this.#groups.addMembers(...args));
  }

  removeMember(...args: Parameters<GroupService["removeMember"]>) {
    return outcome(() => this.#groups.removeMember(...args));
  }

  updateMember(...args: Parameters<GroupService["updateMember"]>) {
    return outcome(() => this.#groups.updateMember(...args));
  }

  transfer(...args: Parameters<GroupService["transfer"]>) {
    return outcome(() => this.#groups.transfer(...args));
  }

  update(...args: Parameters<GroupService["update"]>) {
    return outcome(() => this.#groups.update(...args));
  }

  dissolve(...args: Parameters<GroupService["dissolve"]>) {
    return outcome(() => this.#groups.dissolve(...args));
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
        (error) => log("realtime").warning("delivery to user {user} failed: {error}", { user, error }),
      );
    this.#chains.set(user, next);
    this.ctx.waitUntil(next);
    void next.then(() => {
      if (this.#chains.get(user) === next) this.#chains.delete(user);
    });
  }
}
