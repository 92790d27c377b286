// Access tokens: HS256 JWTs via jose. The algorithm is pinned and iss/aud/exp/iat are checked,
// so `alg: none`, foreign audiences and expired tokens are all simply invalid.
import { jwtVerify, SignJWT } from "jose";
import type { AccessClaims, TokenSigner } from "../core/ports.ts";
import { VerifiedTokens } from "./verified-tokens.ts";

const ALG = "HS256";
const ISSUER = "parley";
const AUDIENCE = "parley";

export function jwtSigner(secret: string, accessTtlSeconds = 900, verified = new VerifiedTokens()): TokenSigner {
  // Imported once: jose would import raw bytes into a CryptoKey on every sign and verify.
  const key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  return {
    accessTtlSeconds,
    // The login travels as `sid` (the claim's name from before logins had their name), so
    // tokens already out stay valid.
    sign: async ({ userId, loginId }) =>
      new SignJWT({ sid: loginId })
        .setProtectedHeader({ alg: ALG, typ: "JWT" })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${accessTtlSeconds}s`)
        .sign(await key),
    async verify(token: string): Promise<AccessClaims | null> {
      const known = verified.get(token);
      if (known) return known;
      try {
        const { payload } = await jwtVerify(token, await key, {
          algorithms: [ALG],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ["sub", "sid", "iat", "exp"],
        });
        if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return null;
        const claims = { userId: payload.sub, loginId: payload.sid };
        verified.add(token, claims, payload.exp!);
        return claims;
      } catch {
        return null;
      }
    },
  };
}
