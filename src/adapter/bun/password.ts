// Bun's hasher: argon2id (Bun.password, PHC string format). PBKDF2 hashes made by the Workers
// build still verify here and are upgraded to argon2id at the next login.
import type { PasswordHasher } from "../../core/ports.ts";
import { isPbkdf2Hash, pbkdf2Verify } from "../../auth/pbkdf2.ts";

export function argon2Hasher(cost: { memoryCost: number; timeCost: number }): PasswordHasher {
  return {
    hash: (password) => Bun.password.hash(password, { algorithm: "argon2id", ...cost }),
    async verify(password, hash) {
      if (isPbkdf2Hash(hash)) return { ok: (await pbkdf2Verify(password, hash)).ok, rehash: true };
      try {
        return { ok: await Bun.password.verify(password, hash), rehash: !hash.startsWith("$argon2id$") };
      } catch {
        return { ok: false, rehash: false }; // not a hash Bun understands
      }
    },
  };
}
