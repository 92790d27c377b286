import { z } from "zod";

export const PresenceItem = z
  .object({
    user: z.string(),
    status: z.enum(["online", "offline"]),
    lastSeen: z.number().int().nullable().meta({ description: "offline: when last seen online (null if never); online: null" }),
  })
  .meta({ id: "Presence" });
export type PresenceItem = z.infer<typeof PresenceItem>;

export const PresenceQuery = z.object({
  users: z
    .string()
    .min(1)
    .transform((s) => s.split(",").map((id) => id.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(64)).min(1).max(200))
    .meta({ description: "comma-separated user ids (at most 200)" }),
});
export const PresenceList = z.object({ items: z.array(PresenceItem) }).meta({ id: "PresenceList" });
