// Accounts as stored: one row per user, the password only as a hash.

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
  /** a bot account, created by `ownerId` (src/core/bots.ts) */
  bot?: boolean;
  ownerId?: string | null;
}

export interface UserStore {
  /** false when the username is taken */
  createUser(user: UserRecord): Promise<boolean>;
  userByUsername(username: string): Promise<UserRecord | null>;
  userById(id: string): Promise<UserRecord | null>;
  setPasswordHash(userId: string, hash: string): Promise<void>;
  searchUsers(prefix: string, limit: number): Promise<UserRecord[]>;
  /** Those of `ids` that are users, in any order. */
  usersByIds(ids: string[]): Promise<UserRecord[]>;
  /** Those of `ids` that are users. */
  existingUserIds(ids: string[]): Promise<string[]>;
}
