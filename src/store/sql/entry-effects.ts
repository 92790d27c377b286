// What an entry does beyond being in the log, in the same transaction as its insert: an edit sets
// its target's text, a recall scrubs its target (and every edit of it), a reaction turns one on or
// off, a membership entry changes the roster, a settings entry the conversation. Such an entry is
// appended alone (LogWriter), so these statements concern one entry, named by its id: for one that
// was not inserted (a resend of a stored clientId, or refused by its guard) they change nothing.
//
// Guards are what must still hold when the entry commits, whatever was judged before it: its
// sender is a member of an open conversation (every entry), an edit's target is the sender's own
// text and not recalled, a reaction changes something. A refused entry is judged again by the
// domain, which answers with the rule it broke.
import { sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { NewEntry } from "../../core/store/message-log.ts";
import { conversations, members, messages, reactions } from "../schema.ts";
import type { SqlDb } from "./db.ts";

/** The entry types people write (not yet recalled), as SQL, for conditions on the `type` column. */
export const CONTENT_TYPES_SQL = sql.raw(`('text', 'file', 'image')`);

/**
 * For every entry (`v` is the row being inserted): its sender belongs. (That the conversation is
 * open, the other guard of every entry, is checked on its row where the insert joins it.)
 */
export const senderBelongs = sql`EXISTS (SELECT 1 FROM ${members} mb
    WHERE mb.conv_id = v.conv AND mb.user_id = v.sender AND mb.removed_seq IS NULL)`;

/** What must still hold for this entry in particular (its target, its change); nothing for content. */
export function guardOf({ body }: NewEntry): SQL | undefined {
  const target = (seq: number, extra: SQL) =>
    sql`EXISTS (SELECT 1 FROM ${messages} t WHERE t.conv_id = v.conv AND t.seq = ${seq} AND t.recalled = 0 AND ${extra})`;
  switch (body.type) {
    case "edit":
      return target(body.target, sql`t.type = 'text' AND t.sender_id = v.sender`);
    case "recall":
      return target(body.target, sql`t.type IN ${CONTENT_TYPES_SQL}`);
    case "reaction": {
      const stands = sql`EXISTS (SELECT 1 FROM ${reactions} r
        WHERE r.conv_id = v.conv AND r.seq = ${body.target} AND r.emoji = ${body.emoji} AND r.user_id = v.sender)`;
      return sql`${target(body.target, sql`t.type IN ${CONTENT_TYPES_SQL}`)} AND ${body.on ? sql`NOT ${stands}` : stands}`;
    }
    case "member_removed":
    case "role_changed":
    case "member_muted":
      return sql`EXISTS (SELECT 1 FROM ${members} m WHERE m.conv_id = v.conv AND m.user_id = ${body.user} AND m.removed_seq IS NULL)`;
    case "ownership_transferred":
      return sql`EXISTS (SELECT 1 FROM ${members} m WHERE m.conv_id = v.conv AND m.user_id = ${body.to} AND m.removed_seq IS NULL)`;
    default:
      return undefined;
  }
}

/**
 * The entry's row if its append inserted it (`inserted`), and its seq: looked for among the rows
 * past its conversation's last_seq, which the append moves only as its last statement
 * (message-log.ts), so these are the append's own rows (messages has no index on id).
 */
export function appended({ conv, id }: NewEntry): { inserted: SQL; seq: SQL } {
  const row = sql`FROM ${messages} e WHERE e.conv_id = ${conv} AND e.seq > (SELECT c.last_seq FROM ${conversations} c WHERE c.id = ${conv}) AND e.id = ${id}`;
  return { inserted: sql`EXISTS (SELECT 1 ${row})`, seq: sql`(SELECT e.seq ${row})` };
}

/** The statements that apply the entry's effects; none for content. */
export function effectsOf(db: SqlDb, entry: NewEntry): BatchItem<"sqlite">[] {
  const { body, conv } = entry;
  const { inserted, seq } = appended(entry);
  const member = (user: string) => sql`conv_id = ${conv} AND user_id = ${user} AND ${inserted}`;
  switch (body.type) {
    case "edit":
      return [
        db.run(sql`UPDATE ${messages} SET edited_text = ${body.text ?? null}, edited_ts = ${entry.ts}, edit_count = edit_count + 1
          WHERE conv_id = ${conv} AND seq = ${body.target} AND recalled = 0 AND ${inserted}`),
      ];
    case "recall":
      // Nothing of what it was stays: not its body (nor the reference that lets members download
      // its upload), not an edit's text, not its reactions.
      return [
        db.run(sql`UPDATE ${messages} SET body = '{"type":"recalled"}', type = 'recalled', recalled = 1, edited_text = NULL, edited_ts = NULL,
            upload_id = NULL
          WHERE conv_id = ${conv} AND seq = ${body.target} AND ${inserted}`),
        db.run(sql`UPDATE ${messages} SET body = json_remove(body, '$.text')
          WHERE conv_id = ${conv} AND target = ${body.target} AND type = 'edit' AND ${inserted}`),
        db.run(sql`DELETE FROM ${reactions} WHERE conv_id = ${conv} AND seq = ${body.target} AND ${inserted}`),
      ];
    case "reaction":
      return [
        body.on
          ? db.run(sql`INSERT INTO ${reactions} (conv_id, seq, emoji, user_id)
              SELECT ${conv}, ${body.target}, ${body.emoji}, ${entry.sender} WHERE ${inserted} ON CONFLICT DO NOTHING`)
          : db.run(sql`DELETE FROM ${reactions}
              WHERE conv_id = ${conv} AND seq = ${body.target} AND emoji = ${body.emoji} AND user_id = ${entry.sender} AND ${inserted}`),
      ];
    case "members_added":
      // A former member comes back as a member who joined now.
      return [
        db.run(sql`INSERT INTO ${members} (conv_id, user_id, role, joined_at, joined_seq)
          SELECT ${conv}, value, 'member', ${entry.ts}, ${seq} FROM json_each(${JSON.stringify(body.users)}) WHERE ${inserted}
          ON CONFLICT (conv_id, user_id) DO UPDATE SET role = 'member', joined_at = excluded.joined_at,
            joined_seq = excluded.joined_seq, removed_seq = NULL, muted_until = NULL`),
      ];
    case "member_removed":
      return [db.run(sql`UPDATE ${members} SET removed_seq = ${seq} WHERE ${member(body.user)} AND removed_seq IS NULL`)];
    case "role_changed":
      return [db.run(sql`UPDATE ${members} SET role = ${body.role} WHERE ${member(body.user)}`)];
    case "member_muted":
      return [db.run(sql`UPDATE ${members} SET muted_until = ${body.until} WHERE ${member(body.user)}`)];
    case "ownership_transferred":
      // The owner becomes an admin, the new owner an owner.
      return [
        db.run(sql`UPDATE ${members} SET role = CASE WHEN user_id = ${body.to} THEN 'owner' ELSE 'admin' END
          WHERE conv_id = ${conv} AND (user_id = ${body.to} OR role = 'owner') AND ${inserted}`),
      ];
    case "conversation_updated": {
      const { type: _, ...changes } = body;
      const column: Record<keyof typeof changes, string> = { title: "title", topic: "topic", avatar: "avatar", onlyAdminsSend: "only_admins_send", history: "history" };
      const sets = Object.entries(changes)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => sql`${sql.raw(column[key as keyof typeof changes])} = ${typeof value === "boolean" ? Number(value) : value}`);
      return [db.run(sql`UPDATE ${conversations} SET ${sql.join(sets, sql`, `)} WHERE id = ${conv} AND ${inserted}`)];
    }
    case "dissolved":
      return [db.run(sql`UPDATE ${conversations} SET closed_seq = ${seq} WHERE id = ${conv} AND ${inserted}`)];
    default:
      return [];
  }
}
