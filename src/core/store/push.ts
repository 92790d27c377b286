// Push subscriptions and the notification each user has outstanding per conversation.
import type { PushSubscription } from "../push.ts";

export interface PushStore {
  /**
   * Saves the device's subscription (an endpoint saved before, by this or another user, is
   * replaced: it belongs to the browser's latest login), then keeps only the user's `max` newest.
   * `created`: the endpoint was not this user's before.
   */
  saveSubscription(sub: PushSubscription, max: number): Promise<{ subscription: PushSubscription; created: boolean }>;
  /** false when the user has no subscription with this endpoint */
  removeSubscription(userId: string, endpoint: string): Promise<boolean>;
  /** the push service said the subscription is gone */
  deleteSubscription(id: string): Promise<void>;
  subscriptionsOf(userId: string): Promise<PushSubscription[]>;
  /** the subscriptions of any of these users (one query per few hundred users) */
  subscriptionsOfAny(userIds: readonly string[]): Promise<PushSubscription[]>;
  /** Those of the users who had no notification outstanding in `conv` and now have one (for `seq`): atomic per user. */
  claimOutstanding(userIds: readonly string[], conv: string, seq: number, now: number): Promise<string[]>;
  /** Those of the users who muted `conv` (their list settings' mutedUntil) until after `now`. */
  mutedAmong(userIds: readonly string[], conv: string, now: number): Promise<string[]>;
  /** true when a notification outstanding in `conv`, for an entry at or before `seq`, was removed */
  clearOutstanding(userId: string, conv: string, seq: number): Promise<boolean>;
}
