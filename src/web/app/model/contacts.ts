// This user's contacts: friends, pending friend requests both ways, and the people it blocked.
// Read whole at start and after every reconnect (what changed meanwhile is not replayed), and
// again whenever a `contact` frame says something changed, here or on another device: the
// server's lists are the truth, so this never has to agree with it on how an event applies.
import { signal } from "@preact/signals";
import type { Contact, FriendRequest, Page, ParleyHttp, User } from "parley/client";
import { serial } from "./serial.ts";

export class Contacts {
  readonly friends = signal<Contact[]>([]);
  readonly incoming = signal<FriendRequest[]>([]);
  readonly outgoing = signal<FriendRequest[]>([]);
  readonly blocked = signal<Contact[]>([]);
  readonly loaded = signal(false);
  readonly refresh = serial(() => this.#refresh());

  constructor(
    private readonly api: ParleyHttp,
    /** told of the users the lists name */
    private readonly learn: (users: User[]) => void,
  ) {}

  isFriend = (user: string) => this.friends.value.some((f) => f.user.id === user);
  isBlocked = (user: string) => this.blocked.value.some((b) => b.user.id === user);

  async #refresh(): Promise<void> {
    const [friends, incoming, outgoing, blocked] = await Promise.all([
      everything((cursor) => this.api.friends({ limit: 100, cursor })),
      everything((cursor) => this.api.friendRequests("in", { limit: 100, cursor })),
      everything((cursor) => this.api.friendRequests("out", { limit: 100, cursor })),
      everything((cursor) => this.api.blocks({ limit: 100, cursor })),
    ]);
    this.learn([...friends, ...blocked].map((c) => c.user));
    this.friends.value = friends;
    this.incoming.value = incoming;
    this.outgoing.value = outgoing;
    this.blocked.value = blocked;
    this.loaded.value = true;
  }
}

/** Every page of a list, following nextCursor. */
async function everything<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
