// Contacts (PROTOCOL.md "Contacts"): friend requests, friends, blocks, and the `contact` frame
// that tells both sides' devices of every change.
import { z } from "zod";
import { User } from "./accounts.ts";
import { chars } from "./text.ts";

const UserId = z.string().min(1).max(64);

export const FriendRequestStatus = z.enum(["pending", "accepted", "rejected", "cancelled"]);
export type FriendRequestStatus = z.infer<typeof FriendRequestStatus>;

export const FriendRequest = z
  .object({
    id: z.string(),
    from: z.string(),
    to: z.string(),
    note: z.string().nullable(),
    status: FriendRequestStatus,
    createdAt: z.number().int(),
  })
  .meta({ id: "FriendRequest" });
export type FriendRequest = z.infer<typeof FriendRequest>;

export const CreateFriendRequest = z.object({ to: UserId, note: chars(1, 500).optional() });
export type CreateFriendRequest = z.infer<typeof CreateFriendRequest>;

/** A friend (since the request was accepted) or a blocked user (since the block). */
export const Contact = z.object({ user: User, since: z.number().int() }).meta({ id: "Contact" });
export type Contact = z.infer<typeof Contact>;

/**
 * Where a page of a list starts: the `nextCursor` of the page before. Opaque to clients; it is
 * the time and id of the last item handed out (lists run newest first).
 */
export interface PageStart {
  at: number;
  id: string;
}
export const cursorOf = ({ at, id }: PageStart): string => `${at}.${id}`;
const Cursor = z
  .string()
  .max(100)
  .regex(/^\d{1,15}\.[^.]+$/, "not a cursor of this list")
  .transform((s): PageStart => ({ at: Number(s.slice(0, s.indexOf("."))), id: s.slice(s.indexOf(".") + 1) }));

/** The longest page of a contacts list. */
export const MAX_CONTACTS_PAGE = 100;
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_CONTACTS_PAGE).default(50),
  cursor: Cursor.optional().meta({ description: "the nextCursor of the previous page" }),
});
export type PageQuery = z.infer<typeof PageQuery>;
export const RequestListQuery = PageQuery.extend({
  direction: z.enum(["in", "out"]).default("in").meta({ description: "in: sent to the caller (default); out: sent by the caller" }),
});
export type RequestListQuery = z.infer<typeof RequestListQuery>;

const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().meta({ description: "null on the last page" }) });
export const FriendRequestPage = page(FriendRequest).meta({ id: "FriendRequestPage" });
export const ContactPage = page(Contact).meta({ id: "ContactPage" });
export type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * What happened between two users, as the `contact` frame tells it to the devices of both (of
 * the blocker only for `blocked` and `unblocked`). `by` acted, `user` is the other one.
 */
export const ContactChange = z.object({
  event: z.enum(["request", "accepted", "rejected", "cancelled", "unfriended", "blocked", "unblocked"]),
  by: z.string(),
  user: z.string(),
  at: z.number().int(),
  /** the request, as it is now, for the request events */
  request: FriendRequest.optional(),
});
export type ContactChange = z.infer<typeof ContactChange>;
