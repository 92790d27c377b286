// Where a conversation's log lives on Workers (LOG_PLACEMENT, see README "Running on Cloudflare
// Workers"), as the Store its Durable Object runs the core's Messages on:
// - "shared": the shared database (D1/Turso) for everything, as Bun does; the object only groups
//   the commits and fans out.
// - "object": the log in the object's own SQLite storage (objectSqlDb), with what the log's writes
//   are judged on: entries, reactions, each member's role and read/delivered positions, the
//   conversation's settings and last seq, and its full-text index (src/store/log-schema.ts). The directory (users, the
//   conversation and who belongs to it, for listing) stays in the shared database. The object
//   is the only writer of both for its conversation: it adopts the directory's rows when it
//   first meets its conversation (they were written when the conversation was created), and
//   copies every membership or settings change back to the directory after committing it.
//
// Why an ack cannot precede durability under "object": a group-commit batch is one
// `transactionSync`, and nothing the object sends (the RPC answer that becomes the ack, the
// frames to the members' user objects) leaves it until that write is on disk: the runtime's
// output gate holds every outgoing message of the object while a write is unconfirmed, and
// discards them (restarting the object) if the write fails. So a client never holds an ack for
// an entry a crash could take back, and a resent clientId finds the entry that was acked.
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Store } from "../../core/store/index.ts";
import type { ConversationStore } from "../../core/store/conversations.ts";
import { conversationLists, conversations, members } from "../../store/schema.ts";
import { chunks, type SqlDb } from "../../store/sql/db.ts";
import { log } from "../../log.ts";
import { SqlConversationStore } from "../../store/sql/conversations.ts";
import { SqlMessageLog } from "../../store/sql/message-log.ts";
import { SqlReceiptStore } from "../../store/sql/receipts.ts";
import { SqlSearchStore } from "../../store/sql/search.ts";
import { SqlConversationListStore } from "../../store/sql/conversation-list.ts";
import type { ConversationSummary } from "../../schema/conversations.ts";
import type { ConversationSettings } from "../../schema/conversation-list.ts";
import type { SettingsChanges } from "../../core/store/conversation-list.ts";
import { sha256Hex } from "../../core/random.ts";
import { logMigrations, migrate, type Migration } from "./migrations.ts";
import { objectSqlDb } from "./object-sql.ts";

export type LogPlacement = "shared" | "object";

/** Durable Object SQLite binds at most 100 parameters per statement. */
const OBJECT_MAX_PARAMS = 100;
const MEMBER_PARAMS = Object.keys(getTableColumns(members)).length;
/** storage key, set while a change committed here may not be in the directory yet */
const DIRECTORY_BEHIND = "directoryBehind";

/** The log of one conversation object under LOG_PLACEMENT=object. */
export class ObjectLog {
  readonly db: SqlDb;
  /** the store the object's services run on: the log here, the directory in `directory` */
  readonly store: Store;
  readonly #directory: { store: Store; db: SqlDb };
  readonly #adopted = new Map<string, Promise<void>>();
  readonly #storage: DurableObjectStorage;
  readonly #migrations: Migration[];
  /** whether its storage has the log's tables: only once it met a conversation of the directory */
  #holdsLog = false;
  /** the copies to the directory, one after the other in commit order */
  #copies: Promise<void> = Promise.resolve();

  /**
   * Call inside `blockConcurrencyWhile`: an object that holds a log serves nothing before its
   * storage is on the newest schema. A new one creates its tables only when it first meets a
   * conversation that the directory has (adopt), so a call naming an id no conversation has
   * leaves nothing stored. `extra`: migrations after the bundled ones (tests).
   */
  static async open(storage: DurableObjectStorage, directory: { store: Store; db: SqlDb }, extra: Migration[] = []): Promise<ObjectLog> {
    const log = new ObjectLog(storage, directory, await logMigrations(extra));
    const migrated = storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").toArray();
    if (migrated.length > 0) await log.#migrate();
    return log;
  }

  get holdsLog(): boolean {
    return this.#holdsLog;
  }

  async #migrate(): Promise<void> {
    await migrate(this.db, this.#migrations);
    this.#holdsLog = true;
  }

  private constructor(storage: DurableObjectStorage, directory: { store: Store; db: SqlDb }, migrations: Migration[]) {
    this.db = objectSqlDb(storage);
    this.#storage = storage;
    this.#migrations = migrations;
    this.#directory = directory;
    const here = new SqlConversationStore(this.db, OBJECT_MAX_PARAMS);
    const there = directory.store.conversations;
    // Writes are judged on the roster kept here (the one the commits' guards see); listing and
    // creating are the directory's.
    const mirrored: ConversationStore = {
      createDirect: (...args) => there.createDirect(...args),
      createGroup: (...args) => there.createGroup(...args),
      memberOf: (...args) => there.memberOf(...args),
      contactIds: (...args) => there.contactIds(...args),
      // nothing here yet: no conversation of the directory named this object
      conversation: async (id) => (this.#holdsLog ? here.conversation(id) : null),
      roster: async (id) => (this.#holdsLog ? here.roster(id) : null),
    };
    this.store = {
      ...directory.store,
      conversations: mirrored,
      messageLog: new SqlMessageLog(this.db),
      receipts: new SqlReceiptStore(this.db),
      search: new SqlSearchStore(this.db),
      // each member's row of the list: its counters, moved by the appends and reads here, what it
      // cleared or hid, and its settings (written here only, remote-list.ts; some copied to the directory)
      conversationList: new SqlConversationListStore(this.db),
    };
  }

  /**
   * Before the first call about `conv` in this object's life: when its storage has no row of the
   * conversation yet, the directory's (the conversation and its members, as created) are copied
   * in. After a reset the object finds them in its own storage and reads nothing else.
   */
  adopt(conv: string): Promise<void> {
    let adopted = this.#adopted.get(conv);
    if (!adopted) {
      adopted = this.#adopt(conv);
      this.#adopted.set(conv, adopted);
      adopted.catch(() => this.#adopted.delete(conv)); // the next call tries again
    }
    return adopted;
  }

  async #adopt(conv: string): Promise<void> {
    const [mine] = this.#holdsLog ? await this.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conv)) : [];
    if (mine) {
      // a copy to the directory that an earlier life did not finish
      // (a membership or a settings change: the whole set of both)
      if ((await this.#storage.get(DIRECTORY_BEHIND)) !== undefined) {
        this.#copy(conv, async () => {
          await this.#copyToDirectory(conv);
          await this.#copyListSettings(conv);
        });
      }
      return;
    }
    const { db } = this.#directory;
    const [row] = await db.select().from(conversations).where(eq(conversations.id, conv));
    if (!row) return; // no such conversation: the roster says so, and nothing is written
    if (!this.#holdsLog) await this.#migrate();
    const rows = await db.select().from(members).where(eq(members.convId, conv));
    await this.db.batch([
      this.db.insert(conversations).values(row).onConflictDoNothing(),
      ...chunks(rows, Math.floor(OBJECT_MAX_PARAMS / MEMBER_PARAMS)).map((part) => this.db.insert(members).values(part).onConflictDoNothing()),
    ]);
  }

  /** The user's line of the conversation list, and when the conversation was last active (its order). */
  async summary(conv: string, userId: string): Promise<{ summary: ConversationSummary; lastActivityAt: number } | null> {
    const [summary] = await this.store.conversationList.list(userId, {});
    const [row] = await this.db.select({ at: conversations.lastActivityAt }).from(conversations).where(eq(conversations.id, conv));
    return summary && row ? { summary, lastActivityAt: row.at } : null;
  }

  /**
   * Called right after a membership or settings change committed here (before anything else
   * runs): the directory gets it, after the copies before it. Until it has, a mark in this
   * object's storage says so, and the object's next life copies again if this one did not.
   */
  directoryChanged(conv: string): void {
    this.#copy(conv, () => this.#copyToDirectory(conv));
  }

  #copy(conv: string, run: () => Promise<void>): void {
    void this.#storage.put(DIRECTORY_BEHIND, conv);
    const copy: Promise<void> = this.#copies
      .then(run)
      .then(
        async () => {
          if (this.#copies === copy) await this.#storage.delete(DIRECTORY_BEHIND);
        },
        (error) => log("store").error("the directory's rows of {conv} not updated (again at the object's next wake): {error}", { conv, error }),
      );
    this.#copies = copy;
  }

  /**
   * A user's settings of the conversation: written here, the one writer of its list rows; answered
   * once the directory has what it lists and pushes by too.
   */
  async updateListSettings(conv: string, userId: string, changes: SettingsChanges): Promise<ConversationSettings> {
    const settings = await this.store.conversationList.updateSettings(userId, conv, changes);
    if (changes.pinned !== undefined || changes.mutedUntil !== undefined || changes.archived !== undefined) {
      this.listSettingsChanged(conv, userId);
      await this.directorySettled();
    }
    return settings;
  }

  /**
   * Called right after a user's settings of the conversation changed here: the directory's copy
   * (what it lists and pushes by: pinned, mutedUntil, archived) follows, like a membership change.
   */
  listSettingsChanged(conv: string, userId: string): void {
    this.#copy(conv, () => this.#copyListSettings(conv, userId));
  }

  /** Settles once every change so far was copied to the directory (or failed, logged). */
  directorySettled(): Promise<void> {
    return this.#copies;
  }

  /**
   * The directory's rows of the conversation are made what they are here (roles, joins, removals,
   * mutes, settings; not the positions, the list rows nor last_seq, which only this object
   * keeps). Idempotent: the whole set each time.
   */
  async #copyToDirectory(conv: string): Promise<void> {
    const [row] = await this.db.select().from(conversations).where(eq(conversations.id, conv));
    if (!row) return;
    const rows = await this.db.select().from(members).where(eq(members.convId, conv));
    const { db } = this.#directory;
    const list = JSON.stringify(rows.map((m) => [m.userId, m.role, m.joinedAt, m.joinedSeq, m.removedSeq, m.mutedUntil]));
    await db.batch([
      db.run(sql`INSERT INTO ${members} (conv_id, user_id, role, joined_at, joined_seq, removed_seq, muted_until)
        SELECT ${conv}, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(${list}) WHERE true
        ON CONFLICT (conv_id, user_id) DO UPDATE SET role = excluded.role, joined_at = excluded.joined_at, joined_seq = excluded.joined_seq,
          removed_seq = excluded.removed_seq, muted_until = excluded.muted_until`),
      db
        .update(conversations)
        .set({ title: row.title, topic: row.topic, avatar: row.avatar, onlyAdminsSend: row.onlyAdminsSend, history: row.history, closedSeq: row.closedSeq })
        .where(eq(conversations.id, conv)),
    ]);
  }

  /** The directory's list settings of `conv` (of one user, or all) are made what they are here. */
  async #copyListSettings(conv: string, userId?: string): Promise<void> {
    const rows = await this.db
      .select({ userId: conversationLists.userId, pinned: conversationLists.pinned, mutedUntil: conversationLists.mutedUntil, archived: conversationLists.archived })
      .from(conversationLists)
      .where(and(eq(conversationLists.convId, conv), userId === undefined ? undefined : eq(conversationLists.userId, userId)));
    const list = JSON.stringify(rows.map((r) => [r.userId, Number(r.pinned), r.mutedUntil, Number(r.archived)]));
    await this.#directory.db.run(sql`INSERT INTO ${conversationLists} (user_id, conv_id, pinned, muted_until, archived)
      SELECT value ->> 0, ${conv}, value ->> 1, value ->> 2, value ->> 3 FROM json_each(${list}) WHERE true
      ON CONFLICT (user_id, conv_id) DO UPDATE SET pinned = excluded.pinned, muted_until = excluded.muted_until, archived = excluded.archived`);
  }
}

/**
 * Tests only (LOG_TEST_MIGRATION=1): one more migration after the bundled ones, as the next
 * drizzle-kit migration would be, so a test can start objects on schema N and restart them on
 * N+1 (test/workers/log-migration.test.ts).
 */
export async function testLogMigration(): Promise<Migration> {
  const statement = "ALTER TABLE `messages` ADD `test_note` text DEFAULT 'added by migration N+1' NOT NULL;";
  const bundled = await logMigrations();
  return { tag: "9999_test_note", createdAt: bundled.at(-1)!.createdAt + 1, statements: [statement], hash: await sha256Hex(statement) };
}
