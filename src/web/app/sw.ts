// The service worker (served at /sw.js, scope /): shows a push notification of a new entry while
// none of this user's devices is connected, and closes it when the server says the conversation
// was read elsewhere (docs/protocol.md "Push notifications"). One notification per conversation:
// its tag is the conversation's id. A click opens (or focuses) the app at that conversation.
// Declared with the few service-worker types it uses: the app's tsconfig has the DOM's, not the worker's.

type Payload =
  | { t: "entry"; conv: string; seq: number; sender: { id: string; name: string }; title: string | null; preview: string }
  | { t: "clear"; conv: string };

interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  data: { json(): unknown } | null;
}
interface NotificationEvent extends ExtendableEvent {
  notification: Notification;
}
interface WindowClient {
  url: string;
  focus(): Promise<WindowClient>;
  navigate(url: string): Promise<WindowClient | null>;
}
interface Worker {
  registration: ServiceWorkerRegistration;
  clients: { matchAll(options: { type: "window"; includeUncontrolled: boolean }): Promise<WindowClient[]>; openWindow(url: string): Promise<unknown>; claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: "push", listener: (event: PushEvent) => void): void;
  addEventListener(type: "notificationclick", listener: (event: NotificationEvent) => void): void;
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
}

const worker = self as unknown as Worker;

worker.addEventListener("install", (event) => event.waitUntil(worker.skipWaiting()));
worker.addEventListener("activate", (event) => event.waitUntil(worker.clients.claim()));

async function shown(payload: Payload): Promise<void> {
  const { registration } = worker;
  if (payload.t === "clear") {
    for (const n of await registration.getNotifications({ tag: payload.conv })) n.close();
    return;
  }
  const who = payload.title ? `${payload.sender.name} in ${payload.title}` : payload.sender.name;
  // Shown as text: notifications do not render HTML.
  await registration.showNotification(who, { body: payload.preview, tag: payload.conv, data: { conv: payload.conv, seq: payload.seq } });
}

worker.addEventListener("push", (event) => {
  let payload: Payload;
  try {
    payload = event.data?.json() as Payload;
  } catch {
    return;
  }
  if (payload?.t === "entry" || payload?.t === "clear") event.waitUntil(shown(payload));
});

worker.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const conv = (event.notification.data as { conv?: string } | null)?.conv;
  const url = new URL(conv ? `/#/c/${encodeURIComponent(conv)}` : "/", worker.registration.scope).href;
  event.waitUntil(
    (async () => {
      const [open] = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
      if (!open) return void (await worker.clients.openWindow(url));
      await open.navigate(url).catch(() => null);
      await open.focus();
    })(),
  );
});
