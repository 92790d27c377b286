// Messages this user sent that the conversation does not show yet: typed offline, on their way,
// or acknowledged but not yet reached by the in-order stream. The SDK's outbox (kept in
// localStorage) sends each again with the same clientId after every reconnect or reload; an entry
// leaves this list when its message arrives in order, or when the server refused it for good.
import { signal } from "@preact/signals";
import type { PendingSend } from "parley/client";

export interface Outgoing extends PendingSend {
  /** the reason the server refused it, when it did */
  error?: string;
}

export class OutgoingMessages {
  readonly items = signal<Outgoing[]>([]);

  constructor(restored: readonly PendingSend[]) {
    this.items.value = [...restored];
  }

  of(conv: string): Outgoing[] {
    return this.items.value.filter((o) => o.conv === conv);
  }

  added(entry: PendingSend): void {
    this.items.value = [...this.items.value, entry];
  }

  /** Its message is in the conversation now. */
  arrived(clientId: string): void {
    if (this.items.value.some((o) => o.clientId === clientId)) {
      this.items.value = this.items.value.filter((o) => o.clientId !== clientId);
    }
  }

  /** Refused for good (e.g. too long): stays, marked, until dismissed. */
  failed(clientId: string, error: string): void {
    this.items.value = this.items.value.map((o) => (o.clientId === clientId ? { ...o, error } : o));
  }

  dismiss(clientId: string): void {
    this.items.value = this.items.value.filter((o) => o.clientId !== clientId);
  }
}
