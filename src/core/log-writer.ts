// The one way entries enter a conversation's log: through the group committer, answered after the
// durable commit, and announced in commit order. Messages, actions and membership changes all
// come through here, so a device that was offline converges by reading the log from its cursor.
import type { Conversation } from "../schema/conversations.ts";
import type { EventSink } from "./events.ts";
import { GroupCommitter } from "./group-commit.ts";
import type { Appended, MessageLog, NewEntry } from "./store/message-log.ts";

export interface EntryToAppend {
  entry: NewEntry;
  /** who is told of it: the members it concerns, as the roster stood when it was judged */
  recipients: readonly string[];
  /** the connection it came from, which gets the ack instead of the entry */
  sourceConnection?: string;
  /** an action or a membership change: committed in a batch of its own (its effects use its seq) */
  alone?: boolean;
  /** a membership or settings change: the conversation's roster is read again once it committed */
  changesRoster?: boolean;
  /** members_added: their sockets are told of the conversation, then follow its log from `from` */
  joined?: { users: readonly string[]; conversation(seq: number): Conversation; from(seq: number): number };
}

export class LogWriter {
  readonly #committer: GroupCommitter<EntryToAppend, Appended>;

  constructor(deps: { log: MessageLog; events: EventSink; rosterChanged(convId: string): void }) {
    this.#committer = new GroupCommitter<EntryToAppend, Appended>(
      (items) => deps.log.appendEntries(items.map((item) => item.entry)),
      // Synchronous and in commit order, so every device sees a conversation's seqs in order.
      (items, results) =>
        results.forEach((result, i) => {
          if (!result?.created) return;
          const { entry, recipients, sourceConnection, changesRoster, joined } = items[i]!;
          const { seq } = result.message;
          if (changesRoster) deps.rosterChanged(entry.conv);
          if (joined) {
            deps.events.publish({ type: "joined", conv: entry.conv, users: joined.users, conversation: joined.conversation(seq), from: joined.from(seq) });
          }
          deps.events.publish({ type: "message", message: result.message, members: recipients, sourceConnection });
        }),
    );
  }

  append(item: EntryToAppend): Promise<Appended> {
    return this.#committer.submit(item, item.alone ?? false);
  }
}
