// What Bun nodes share: presence, and the bus that carries presence announcements, membership
// changes (each node's member cache drops the list), changes between two users (each node's
// direct peers drop the pair) and (with Upstash) every committed event to the other nodes.
// Without Upstash: this process's memory.
import type { Config } from "../../config.ts";
import type { EventSink } from "../../core/events.ts";
import { DirectPeers, syncDirectPeers } from "../../core/direct-peers.ts";
import { presenceAudience } from "../../core/presence-queries.ts";
import { RosterCache, syncRosterCache } from "../../core/roster-cache.ts";
import type { Store } from "../../core/store/index.ts";
import { log } from "../../log.ts";
import { createBus } from "../../bus/index.ts";
import { createPresence } from "../../presence/index.ts";
import { EventRelay } from "../../realtime/event-relay.ts";
import type { Hub } from "../../realtime/hub.ts";
import { PresenceTracker } from "../../realtime/presence-tracker.ts";

const PRESENCE_CHANNEL = "presence";

export async function joinCluster(config: Config, store: Pick<Store, "conversations" | "contacts">, hub: () => Hub | undefined) {
  const upstash = { upstashUrl: config.UPSTASH_REDIS_REST_URL, upstashToken: config.UPSTASH_REDIS_REST_TOKEN };
  const onError = (error: unknown) => log("cluster").error("presence/bus backend failed: {error}", { error });
  const presence = createPresence(upstash);
  const bus = createBus(upstash);
  // Presence announcements: each node tells its own sockets of the users named.
  const unsubscribe = await bus.subscribe(PRESENCE_CHANNEL, (payload) => {
    const { users, text } = JSON.parse(payload) as { users: string[]; text: string };
    hub()?.notifyUsers(users, text);
  });
  const tracker = new PresenceTracker({
    presence,
    contacts: (userId) => presenceAudience(store, userId),
    announce: (users, text) => bus.publish(PRESENCE_CHANNEL, JSON.stringify({ users, text })),
    liveConnections: () => hub()?.connections() ?? [],
    onError,
  });
  const local: EventSink = { publish: (event) => hub()?.publish(event) };
  // One node needs no relay: its hub is the only one.
  const relay = config.UPSTASH_REDIS_REST_URL ? new EventRelay(local, bus, onError) : null;
  await relay?.start();
  const rosterCache = new RosterCache(store.conversations);
  const members = await syncRosterCache(rosterCache, bus, onError);
  const directPeers = new DirectPeers(store.contacts);
  const peers = await syncDirectPeers(directPeers, bus, onError);
  const timer = setInterval(() => void tracker.refresh(), presence.ttlMs / 3);
  return {
    presence,
    tracker,
    events: relay ?? local,
    rosterCache,
    onMembersChanged: (convId: string) => members.changed(convId),
    directPeers,
    onPairChanged: (a: string, b: string) => peers.changed(a, b),
    /** other nodes' events reach this one, later than its own */
    multiNode: relay !== null,
    stop() {
      clearInterval(timer);
      unsubscribe();
      relay?.stop();
      members.stop();
      peers.stop();
    },
  };
}
