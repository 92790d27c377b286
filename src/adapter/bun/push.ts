// Push on a Bun node: the notifier hears the events this node commits, beside the hub and the
// bots' sink. A member has no connected device when this node's hub holds no socket of theirs
// and, with several nodes (Upstash), presence says they are offline everywhere (one question for
// all the members of an entry).
import { lookup } from "node:dns/promises";
import type { Config } from "../../config.ts";
import type { EventSink } from "../../core/events.ts";
import type { Metrics } from "../../core/metrics.ts";
import type { Presence } from "../../core/presence.ts";
import { pushEvents, type OfflineAmong } from "../../core/push-events.ts";
import type { PushWiring } from "../../core/push-notifier.ts";
import type { Services } from "../../core/services.ts";
import type { Hub } from "../../realtime/hub.ts";
import { pushWiringFrom } from "../push.ts";
import { vapidKeys } from "./vapid.ts";

export async function bunPush(config: Config, metrics: Metrics, cluster: { presence: Presence; multiNode: boolean }, hub: () => Hub | undefined) {
  const wiring: PushWiring = pushWiringFrom(config, await vapidKeys(config), {
    metrics,
    resolve: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
  });
  let sink: EventSink | undefined;
  const offline: OfflineAmong = (userIds) => {
    const here = userIds.filter((u) => !hub()?.isOnline(u));
    if (!cluster.multiNode || here.length === 0) return here;
    return cluster.presence.status(here).then((status) => status.filter((s) => !s.online).map((s) => s.userId));
  };
  return {
    wiring,
    /** `inner`'s events, and the notifier's once the services exist */
    events: (inner: EventSink): EventSink => ({
      publish(event) {
        inner.publish(event);
        void sink?.publish(event);
      },
    }),
    start(services: Services) {
      sink = services.push && pushEvents(services.push, offline);
    },
  };
}
