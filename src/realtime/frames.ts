// Every server frame of /v1/ws is encoded here, typed by its schema (src/schema/frames.ts), so a
// frame that does not match the contract does not compile. Frames that go to many sockets are
// encoded once by the caller and the same text handed to each.
import type { AppError } from "../core/errors.ts";
import type { DomainEvent } from "../core/events.ts";
import type { PresenceItem } from "../schema/presence.ts";
import type { Rid, ServerFrame, ServerFrameOf } from "../schema/frames.ts";
import type { Message } from "../schema/messages.ts";

export const encodeFrame = (frame: ServerFrame): string => JSON.stringify(frame);

/**
 * `{ t: "msg", ...message }` as JSON, without copying the message first: the message's own JSON
 * with `t` put in front (this runs for every committed message).
 */
export const msgFrame = (message: Message): string => `{"t":"msg",${JSON.stringify(message satisfies Omit<ServerFrameOf<"msg">, "t">).slice(1)}`;

/** Every own send's ack: an object literal of one shape, no spread (copying properties showed in profiles). */
export const ackFrame = ({ conv, clientId, seq, id, ts, body }: Message, rid: Rid): string =>
  body.type === "file" || body.type === "image"
    ? encodeFrame({ t: "ack", rid, conv, clientId, seq, id, ts, body })
    : encodeFrame({ t: "ack", rid, conv, clientId, seq, id, ts });

export const errorFrame = (error: Pick<AppError, "code" | "message" | "details">, rid?: Rid, conv?: string): string =>
  encodeFrame({ t: "error", rid, conv, code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) });

export const presenceFrame = (item: PresenceItem): string => encodeFrame({ t: "presence", ...item });

/**
 * A committed domain event as frames for its recipients: an entry goes through every member
 * socket's ordered stream (the connection that sent it gets its ack there instead of the msg);
 * new members' sockets are told of the conversation and start following it; anything else is one
 * frame for the users named, but the connection it came from (`except`).
 */
export type RoutedEvent =
  | { kind: "stream"; message: Message; text: string; to: readonly string[]; sourceConnection?: string }
  | { kind: "notify"; text: string; to: readonly string[]; except?: string }
  /** the users' sockets get `text` (the conversation), then follow its log from `from` */
  | { kind: "join"; conv: string; text: string; to: readonly string[]; from: number };

export function routeEvent(event: DomainEvent): RoutedEvent {
  switch (event.type) {
    case "message":
      return { kind: "stream", message: event.message, text: msgFrame(event.message), to: event.members, sourceConnection: event.sourceConnection };
    case "receipt": {
      const { conv, user, kind, seq } = event;
      // the reader's other devices are told too; the connection that read is not
      return { kind: "notify", text: encodeFrame({ t: "receipt", conv, user, kind, seq }), to: event.members, except: event.sourceConnection };
    }
    case "joined":
      return { kind: "join", conv: event.conv, text: encodeFrame({ t: "conversation", conversation: event.conversation }), to: event.users, from: event.from };
    case "typing":
      return {
        kind: "notify",
        text: encodeFrame({ t: "typing", conv: event.conv, user: event.user }),
        to: event.members.filter((m) => m !== event.user),
      };
    case "contact":
      return { kind: "notify", text: encodeFrame({ t: "contact", ...event.change }), to: event.users, except: event.sourceConnection };
    case "settings":
      return { kind: "notify", text: encodeFrame({ t: "settings", ...event.settings }), to: [event.user], except: event.sourceConnection };
    default:
      return event satisfies never;
  }
}
