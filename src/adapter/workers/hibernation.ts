// What a user object's socket carries through a hibernation (WebSocket attachments): enough to
// rebuild its core Session when the object wakes. The runtime bounds an attachment's size, so
// the per-conversation stream positions are trimmed, the most advanced first; a position that
// did not fit is simply unknown and that stream starts again at its next live message.
import type { Session, SessionSnapshot } from "../../realtime/session.ts";

/** What a socket carries through a hibernation. */
export interface Attachment {
  id: string;
  owner: string;
  openedAt: number;
  session?: SessionSnapshot;
}

/**
 * Below the runtime's limit on an attachment, 16,384 bytes serialized (it was 2,048 until 2025;
 * the installed workerd refuses 16,385 and takes 16,384), estimated as JSON, which is about the
 * size of the serialized form: the rest is margin.
 */
const ATTACHMENT_BUDGET = 15_000;

/** The attachment of a socket that has not said hello yet. */
export function openAttachment(ws: WebSocket, id: string, owner: string, openedAt: number): void {
  ws.serializeAttachment({ id, owner, openedAt } satisfies Attachment);
}

/** Keeps the attachment in step with the session (in memory: cheap; stored only on hibernation). */
export function persistSession(ws: WebSocket, session: Session): void {
  const snapshot = session.snapshot();
  if (!snapshot) return;
  const all = Object.entries(snapshot.positions).sort((a, b) => b[1] - a[1]);
  const positions: Record<string, number> = {};
  let size = JSON.stringify({ ...snapshot, positions: {} }).length + 64;
  for (const [conv, seq] of all) {
    size += conv.length + String(seq).length + 6;
    if (size > ATTACHMENT_BUDGET) break;
    positions[conv] = seq;
  }
  try {
    ws.serializeAttachment({ id: session.id, owner: snapshot.user.userId, openedAt: session.openedAt, session: { ...snapshot, positions } } satisfies Attachment);
  } catch {
    // the socket is gone
  }
}

/** What a socket that outlived the object's last life carried (null: nothing, it cannot go on). */
export const attachmentOf = (ws: WebSocket): Attachment | null => ws.deserializeAttachment() as Attachment | null;
