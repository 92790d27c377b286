import { z } from "zod";
import { chars } from "./text.ts";

export const Username = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{3,32}$/, "3-32 characters of a-z 0-9 _ . -")
  .transform((s) => s.toLowerCase());
export const Password = chars(8, 256);

export const User = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    bot: z.literal(true).optional().meta({ description: "present on bot accounts only" }),
  })
  .meta({ id: "User" });
export type User = z.infer<typeof User>;

export const RegisterRequest = z.object({
  username: Username,
  password: Password,
  displayName: chars(1, 64, z.string().trim()).optional(),
});
export const LoginRequest = z.object({ username: Username, password: chars(1, 256) });
export const RefreshRequest = z.object({ refreshToken: z.string().min(1).max(512) });

export const AuthResponse = z
  .object({
    user: User,
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().meta({ description: "access token lifetime in seconds" }),
  })
  .meta({ id: "AuthResponse" });
export type AuthResponse = z.infer<typeof AuthResponse>;

/** The most users one `GET /v1/users?ids=` names. */
export const MAX_USER_IDS = 100;

/** `q` (a username prefix) or `ids` (users by id), one of the two. */
export const UserQuery = z
  .object({
    q: z.string().min(1).max(32).optional().meta({ description: "users whose username starts with this" }),
    ids: z
      .string()
      .min(1)
      .transform((s) => [...new Set(s.split(",").map((id) => id.trim()).filter(Boolean))])
      .pipe(z.array(z.string().max(64)).min(1).max(MAX_USER_IDS))
      .optional()
      .meta({ description: `comma-separated user ids (at most ${MAX_USER_IDS}): these users, those that exist, in the order asked` }),
    limit: z.coerce.number().int().min(1).max(50).default(20).meta({ description: "with q: at most this many" }),
  })
  .refine((query) => (query.q === undefined) !== (query.ids === undefined), { message: "give q or ids, not both", path: ["q"] });
export const UserList = z.object({ items: z.array(User) }).meta({ id: "UserList" });
