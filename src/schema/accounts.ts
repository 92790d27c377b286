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

export const UserSearchQuery = z.object({
  q: z.string().min(1).max(32),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const UserList = z.object({ items: z.array(User) }).meta({ id: "UserList" });
