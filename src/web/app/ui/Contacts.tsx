// This user's contacts: find someone to ask to be friends (with a note) or to block; answer the
// requests received, take back those sent; the friends (chat, unfriend, block) and the people
// blocked (unblock). The lists follow `contact` frames, so a change made on another device, or
// by the other person, shows here at once. Notes and names are text.
import type { User } from "parley/client";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { ConfirmButton } from "./ConfirmButton.tsx";
import { Dialog } from "./Dialog.tsx";
import { FriendRequestForm } from "./FriendRequestForm.tsx";
import { useStartConversation } from "./start-conversation.ts";
import { useAction } from "./use-action.ts";
import { UserSearch } from "./UserSearch.tsx";

export function Contacts({ chat, onClose }: { chat: Chat; onClose(): void }) {
  const [picked, setPicked] = useState<User | null>(null);
  const { start, error: startError } = useStartConversation(chat, onClose);
  const { error, act: request } = useAction();
  const { friends, incoming, outgoing, blocked } = chat.contacts;
  const api = chat.client.api;
  // the contact frame brings it too, unless the socket is down
  const act = (action: () => Promise<unknown>, then?: () => void) => request(action, then).then(() => chat.contacts.refresh().catch(() => {}));
  const name = (user: string) => chat.users.name(user);

  return (
    <Dialog title="Contacts" onClose={onClose}>
      <div class="contacts">
        <section aria-label="Add a friend">
          <h3>Add a friend</h3>
          {picked ? (
            <FriendRequestForm
              user={picked}
              onSend={(note) => act(() => api.sendFriendRequest({ to: picked.id, ...(note ? { note } : {}) }), () => setPicked(null))}
              onBlock={() => act(() => api.block(picked.id), () => setPicked(null))}
              onCancel={() => setPicked(null)}
            />
          ) : (
            <UserSearch chat={chat} onPick={setPicked} first />
          )}
        </section>
        {(error || startError) && <p class="error" role="alert">{error || startError}</p>}
        <List title="Friend requests to you" empty="None waiting.">
          {incoming.value.map((r) => (
            <Row key={r.id} name={name(r.from)} note={r.note}>
              <button type="button" onClick={() => act(() => api.acceptFriendRequest(r.id))}>Accept</button>
              <button type="button" class="quiet" onClick={() => act(() => api.rejectFriendRequest(r.id))}>Decline</button>
            </Row>
          ))}
        </List>
        <List title="Your requests" empty="None waiting for an answer.">
          {outgoing.value.map((r) => (
            <Row key={r.id} name={name(r.to)} note={r.note}>
              <button type="button" class="quiet" onClick={() => act(() => api.cancelFriendRequest(r.id))}>Take back</button>
            </Row>
          ))}
        </List>
        <List title="Friends" empty="No friends yet.">
          {friends.value.map(({ user }) => (
            <Row key={user.id} name={name(user.id)}>
              <button type="button" class="quiet" onClick={() => void start({ kind: "direct", with: user.id })}>Chat</button>
              <ConfirmButton label="Unfriend" name={`Unfriend ${name(user.id)}`} question={`Unfriend ${name(user.id)}?`} onConfirm={() => act(() => api.unfriend(user.id))} />
              <ConfirmButton label="Block" name={`Block ${name(user.id)}`} question={`Block ${name(user.id)}?`} onConfirm={() => act(() => api.block(user.id))} />
            </Row>
          ))}
        </List>
        <List title="Blocked" empty="Nobody.">
          {blocked.value.map(({ user }) => (
            <Row key={user.id} name={name(user.id)}>
              <button type="button" class="quiet" onClick={() => act(() => api.unblock(user.id))}>Unblock</button>
            </Row>
          ))}
        </List>
      </div>
    </Dialog>
  );
}

function List({ title, empty, children }: { title: string; empty: string; children: ComponentChildren[] }) {
  return (
    <section class="contact-list" aria-label={title}>
      <h3>{title}</h3>
      {children.length ? <ul>{children}</ul> : <p class="hint">{empty}</p>}
    </section>
  );
}

function Row({ name, note, children }: { name: string; note?: string | null; children: ComponentChildren }) {
  return (
    <li>
      <span class="contact-name">{name}</span>
      {note && <span class="note">{note}</span>}
      <span class="contact-actions">{children}</span>
    </li>
  );
}
