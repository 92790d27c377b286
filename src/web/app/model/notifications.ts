// Push notifications on this device (docs/protocol.md "Push notifications"): the service worker
// at /sw.js, the browser's permission, and this device's subscription with the server's key.
// `state` says what the setting shows: unsupported (no Push API here), denied (the browser said
// no: only its own settings can change that), off, on, or working while it changes.
import { signal } from "@preact/signals";
import type { ParleyHttp } from "parley/client";

export type NotificationState = "unsupported" | "denied" | "off" | "on" | "working";

const supported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

/** base64url → the bytes PushManager.subscribe takes as applicationServerKey */
function keyBytes(key: string): Uint8Array<ArrayBuffer> {
  const binary = atob(key.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (key.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export class Notifications {
  readonly state = signal<NotificationState>(supported() ? "off" : "unsupported");
  /** why the last change failed, shown beside the setting */
  readonly error = signal<string | null>(null);

  constructor(private readonly api: ParleyHttp) {}

  /** The state of an earlier visit: on when this browser still has a subscription and permission. */
  async load(): Promise<void> {
    if (!supported()) return;
    if (Notification.permission === "denied") return void (this.state.value = "denied");
    const registration = await navigator.serviceWorker.getRegistration("/");
    const subscription = await registration?.pushManager.getSubscription();
    this.state.value = subscription && Notification.permission === "granted" ? "on" : "off";
  }

  /** Asks the browser's permission, subscribes with the server's key and hands the subscription to the server. */
  async enable(): Promise<void> {
    if (!supported()) return;
    this.state.value = "working";
    this.error.value = null;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") return void (this.state.value = permission === "denied" ? "denied" : "off");
      const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      const key = await this.api.pushKey();
      let subscription = await registration.pushManager.getSubscription();
      // a subscription made with another server key cannot be used with this one
      const current = subscription?.options.applicationServerKey;
      if (subscription && current && btoa(String.fromCharCode(...new Uint8Array(current))) !== btoa(String.fromCharCode(...keyBytes(key)))) {
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      await this.api.subscribePush(subscription.toJSON() as Parameters<ParleyHttp["subscribePush"]>[0]);
      this.state.value = "on";
    } catch (error) {
      this.state.value = "off";
      this.error.value = `Notifications could not be turned on: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** This device stops being notified (also before logging out: the next user of this browser must not get them). */
  async disable(): Promise<void> {
    if (!supported()) return;
    this.state.value = "working";
    this.error.value = null;
    try {
      const registration = await navigator.serviceWorker.getRegistration("/");
      const subscription = await registration?.pushManager.getSubscription();
      if (subscription) {
        await this.api.unsubscribePush(subscription.endpoint).catch(() => {}); // already gone there: fine
        await subscription.unsubscribe();
      }
    } finally {
      this.state.value = Notification.permission === "denied" ? "denied" : "off";
    }
  }
}
