// Push on Workers: the VAPID key pair comes from VAPID_PUBLIC_KEY (a var) and VAPID_PRIVATE_KEY
// (a secret); without them push is off (the /v1/push routes answer 501). There is no file system
// to keep a generated pair in, and a pair per isolate would orphan subscriptions.
// Who is told what: each user's object pushes the entries it receives while its user has no
// socket (user-object.ts), each conversation's object clears notifications on reads
// (conversation-object.ts). Host names are not resolved here (no DNS API): literal addresses and
// local names are checked, as for webhooks.
import type { Config } from "../../config.ts";
import type { Metrics } from "../../core/metrics.ts";
import type { PushWiring } from "../../core/push-notifier.ts";
import { configuredVapidKeys, pushWiringFrom } from "../push.ts";

export function workersPush(config: Config, metrics: Metrics): PushWiring | undefined {
  const keys = configuredVapidKeys(config);
  return keys ? pushWiringFrom(config, keys, { metrics }) : undefined;
}
