// Several nodes on one database: a change committed on one node must reach the sockets held by
// the others. The relay hands every event to this node's hub and to the bus; events from other
// nodes go to this node's hub. Order per conversation is kept by OrderedDelivery: anything that
// arrives past a gap is filled from the store, anything already sent is dropped.
import type { EventBus, Unsubscribe } from "../core/bus.ts";
import type { DomainEvent, EventSink } from "../core/events.ts";

const CHANNEL = "events";

export class EventRelay implements EventSink {
  readonly #node = crypto.randomUUID();
  #unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly local: EventSink,
    private readonly bus: EventBus,
    private readonly onError: (error: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.#unsubscribe = await this.bus.subscribe(CHANNEL, (payload) => {
      const { node, event } = JSON.parse(payload) as { node: string; event: DomainEvent };
      // `sourceConnection` names a connection of the sending node: meaningless here.
      if (node !== this.#node) this.local.publish("sourceConnection" in event ? { ...event, sourceConnection: undefined } : event);
    });
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  publish(event: DomainEvent): void {
    this.local.publish(event);
    this.bus.publish(CHANNEL, JSON.stringify({ node: this.#node, event })).catch(this.onError);
  }
}
