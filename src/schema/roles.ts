import { z } from "zod";

/** A member's role in a group: one owner, any number of admins and members. */
export const Role = z.enum(["owner", "admin", "member"]);
export type Role = z.infer<typeof Role>;
