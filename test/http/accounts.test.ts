// PROTOCOL.md "Accounts": register, login, refresh rotation with reuse detection, logout, /v1/me,
// user search, and what makes an access token invalid. Plain HTTP against every target.
import { beforeAll, describe, expect, test } from "bun:test";
import { SignJWT, decodeJwt } from "jose";
import { call, client, expectError, register, uniqueName, type TestUser } from "../support/api.ts";
import { targetKinds, TEST_JWT_SECRET, useTarget } from "../support/target.ts";

for (const kind of targetKinds()) {
  describe(`accounts [${kind}]`, () => {
    const server = useTarget(kind);

    const post = (path: string, json: unknown) => call(server.url, "POST", path, { json });

    describe("register", () => {
      test("201 with the user, a token pair and expiresIn", async () => {
        const username = uniqueName("reg");
        const res = await post("/v1/auth/register", { username, password: "correct horse", displayName: "Reg Istered" });
        expect(res.status).toBe(201);
        expect(Object.keys(res.body).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "user"]);
        expect(res.body.user).toEqual({ id: expect.any(String), username, displayName: "Reg Istered" });
        expect(res.body.accessToken.split(".")).toHaveLength(3);
        expect(res.body.refreshToken.length).toBeGreaterThanOrEqual(32);
        expect(res.body.refreshToken).not.toBe(res.body.accessToken);
        expect(Number.isInteger(res.body.expiresIn) && res.body.expiresIn > 0).toBe(true);
        expect(res.text).not.toContain("correct horse");
        expect(res.text.toLowerCase()).not.toContain("argon");

        const me = await client(server.url, res.body.accessToken).get("/v1/me");
        expect(me.status).toBe(200);
        expect(me.body).toEqual(res.body.user);
      });

      test("displayName defaults to the username", async () => {
        const username = uniqueName("dn");
        const res = await post("/v1/auth/register", { username, password: "password1" });
        expect(res.status).toBe(201);
        expect(res.body.user.displayName).toBe(username);
      });

      test("usernames are case-insensitive: stored lower-case, unique regardless of case", async () => {
        const lower = uniqueName("case");
        const mixed = lower.toUpperCase();
        const first = await post("/v1/auth/register", { username: mixed, password: "password1" });
        expect(first.status).toBe(201);
        expect(first.body.user.username).toBe(lower);

        expectError(await post("/v1/auth/register", { username: lower, password: "password2" }), 409, "username_taken");
        const again = await post("/v1/auth/register", { username: `${lower.slice(0, 3).toUpperCase()}${lower.slice(3)}`, password: "password2" });
        expectError(again, 409, "username_taken");

        // and login accepts any case
        const login = await post("/v1/auth/login", { username: mixed, password: "password1" });
        expect(login.status).toBe(200);
        expect(login.body.user.id).toBe(first.body.user.id);
      });

      test("the same username registered in parallel: exactly one 201, the rest 409", async () => {
        const username = uniqueName("race");
        const results = await Promise.all(
          Array.from({ length: 8 }, () => post("/v1/auth/register", { username, password: "password1" })),
        );
        expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
        for (const r of results.filter((r) => r.status === 409)) expectError(r, 409, "username_taken");
      });

      test.each([
        ["3 characters", "abc"],
        ["32 characters", "a".repeat(20) + "0123456789_."],
        ["all allowed characters", "a-z_0.9"],
        ["digits only", "123"],
      ])("accepts a username of %s", async (_what, username) => {
        // every target starts on an empty database, so these fixed names are free
        const res = await post("/v1/auth/register", { username, password: "password1" });
        expect(res.status).toBe(201);
        expect(res.body.user.username).toBe(username.toLowerCase());
      });

      test.each([
        ["2 characters", "ab"],
        ["33 characters", "a".repeat(33)],
        ["a space", "ab cd"],
        ["an @", "ab@cd"],
        ["a slash", "ab/cd"],
        ["a non-ASCII letter", "abé"],
        ["an emoji", "ab😀"],
        ["empty", ""],
        ["a number instead of a string", 12345],
        ["null", null],
      ])("rejects a username of %s with 400 naming the field", async (_what, username) => {
        const res = await post("/v1/auth/register", { username, password: "password1" });
        expectError(res, 400, "invalid_request");
        expect(JSON.stringify(res.body.error.details)).toContain("username");
      });

      test("password: 8 and 256 characters are accepted", async () => {
        for (const password of ["12345678", "p".repeat(256)]) {
          const username = uniqueName("pw");
          expect((await post("/v1/auth/register", { username, password })).status).toBe(201);
          expect((await post("/v1/auth/login", { username, password })).status).toBe(200);
        }
      });

      test("password length counts characters, not UTF-16 units: 8 and 256 emoji are fine, 4 and 257 are not", async () => {
        for (const password of ["😀".repeat(8), "😀".repeat(256)]) {
          const username = uniqueName("emo");
          expect((await post("/v1/auth/register", { username, password })).status).toBe(201);
          expect((await post("/v1/auth/login", { username, password })).status).toBe(200);
        }
        for (const password of ["😀".repeat(4), "😀".repeat(257)]) {
          expectError(await post("/v1/auth/register", { username: uniqueName("emo"), password }), 400, "invalid_request");
        }
      });

      test("displayName: 1-64 characters, trimmed", async () => {
        const ok = await post("/v1/auth/register", { username: uniqueName("d"), password: "password1", displayName: "  👩‍💻 Ada  " });
        expect(ok.body.user.displayName).toBe("👩‍💻 Ada");
        const emoji = await post("/v1/auth/register", { username: uniqueName("d"), password: "password1", displayName: "😀".repeat(64) });
        expect(emoji.status).toBe(201);
        for (const displayName of ["", "   ", "x".repeat(65), 42]) {
          const res = await post("/v1/auth/register", { username: uniqueName("d"), password: "password1", displayName });
          expectError(res, 400, "invalid_request");
          expect(JSON.stringify(res.body.error.details)).toContain("displayName");
        }
      });

      test.each([
        ["7 characters", "1234567"],
        ["257 characters", "p".repeat(257)],
        ["missing", undefined],
        ["a number", 12345678],
      ])("password of %s is rejected with 400 naming the field", async (_what, password) => {
        const res = await post("/v1/auth/register", { username: uniqueName("pw"), password });
        expectError(res, 400, "invalid_request");
        expect(JSON.stringify(res.body.error.details)).toContain("password");
      });

      test("a rejected registration creates nothing", async () => {
        const username = uniqueName("none");
        expectError(await post("/v1/auth/register", { username, password: "short" }), 400, "invalid_request");
        expect((await post("/v1/auth/register", { username, password: "long enough" })).status).toBe(201);
      });
    });

    describe("login", () => {
      let user: TestUser;
      beforeAll(async () => {
        user = await register(server.url);
      });

      test("200 with the same shape and a fresh token pair", async () => {
        const res = await post("/v1/auth/login", { username: user.username, password: user.password });
        expect(res.status).toBe(200);
        expect(res.body.user).toEqual({ id: user.id, username: user.username, displayName: user.displayName });
        expect(res.body.accessToken).not.toBe(user.accessToken);
        expect(res.body.refreshToken).not.toBe(user.refreshToken);
        expect(res.body.expiresIn).toBeGreaterThan(0);
        expect((await client(server.url, res.body.accessToken).get("/v1/me")).body.id).toBe(user.id);
      });

      test("a wrong password and an unknown user both get 401 invalid_credentials, alike", async () => {
        const wrong = await post("/v1/auth/login", { username: user.username, password: "not the password" });
        expectError(wrong, 401, "invalid_credentials");
        const unknown = await post("/v1/auth/login", { username: uniqueName("ghost"), password: "whatever1" });
        expectError(unknown, 401, "invalid_credentials");
        expect(unknown.body.error.message).toBe(wrong.body.error.message);
      });

      test("a missing field is 400", async () => {
        expectError(await post("/v1/auth/login", { username: user.username }), 400, "invalid_request");
      });
    });

    describe("refresh", () => {
      test("rotates: a new pair that works, and the user", async () => {
        const user = await register(server.url);
        const res = await post("/v1/auth/refresh", { refreshToken: user.refreshToken });
        expect(res.status).toBe(200);
        expect(res.body.user).toEqual({ id: user.id, username: user.username, displayName: user.displayName });
        expect(res.body.refreshToken).not.toBe(user.refreshToken);
        expect(res.body.expiresIn).toBeGreaterThan(0);
        expect((await client(server.url, res.body.accessToken).get("/v1/me")).status).toBe(200);
        // the new refresh token rotates again
        const next = await post("/v1/auth/refresh", { refreshToken: res.body.refreshToken });
        expect(next.status).toBe(200);
      });

      test("reusing a spent refresh token revokes the whole login", async () => {
        const user = await register(server.url);
        const other = await post("/v1/auth/login", { username: user.username, password: user.password });
        const rotated = await post("/v1/auth/refresh", { refreshToken: user.refreshToken });
        expect(rotated.status).toBe(200);
        // in use before the replay (a server may trust an active login for a moment)
        expect((await client(server.url, rotated.body.accessToken).get("/v1/me")).status).toBe(200);

        // replay of the spent token
        expectError(await post("/v1/auth/refresh", { refreshToken: user.refreshToken }), 401, "unauthorized");
        // ... revoked the login: the new refresh token fails too
        expectError(await post("/v1/auth/refresh", { refreshToken: rotated.body.refreshToken }), 401, "unauthorized");
        // ... and so do the access tokens of that login, old and new
        expectError(await client(server.url, rotated.body.accessToken).get("/v1/me"), 401, "unauthorized");
        expectError(await client(server.url, user.accessToken).get("/v1/me"), 401, "unauthorized");

        // another login of the same user is untouched
        expect((await client(server.url, other.body.accessToken).get("/v1/me")).status).toBe(200);
        expect((await post("/v1/auth/refresh", { refreshToken: other.body.refreshToken })).status).toBe(200);
      });

      test("the same refresh token presented twice at once: at most one rotation succeeds", async () => {
        const user = await register(server.url);
        const results = await Promise.all([1, 2, 3].map(() => post("/v1/auth/refresh", { refreshToken: user.refreshToken })));
        expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
        for (const r of results.filter((r) => r.status !== 200)) expectError(r, 401, "unauthorized");
        // the token was presented more than once: the login is revoked
        for (const r of results.filter((r) => r.status === 200)) {
          expectError(await client(server.url, r.body.accessToken).get("/v1/me"), 401, "unauthorized");
        }
      });

      test("an unknown refresh token is 401, a missing one 400", async () => {
        expectError(await post("/v1/auth/refresh", { refreshToken: "definitely-not-a-token" }), 401, "unauthorized");
        expectError(await post("/v1/auth/refresh", {}), 400, "invalid_request");
        expectError(await post("/v1/auth/refresh", { refreshToken: "" }), 400, "invalid_request");
      });
    });

    describe("logout", () => {
      test("204, then neither token of that login works", async () => {
        const user = await register(server.url);
        const res = await user.api.post("/v1/auth/logout");
        expect(res.status).toBe(204);
        expect(res.text).toBe("");
        expectError(await user.api.get("/v1/me"), 401, "unauthorized");
        expectError(await post("/v1/auth/refresh", { refreshToken: user.refreshToken }), 401, "unauthorized");
      });

      test("an access token in use (verified before, so remembered) stops working at once; another login's goes on", async () => {
        const user = await register(server.url);
        const other = await post("/v1/auth/login", { username: user.username, password: user.password });
        for (let i = 0; i < 3; i++) expect((await user.api.get("/v1/me")).status).toBe(200);
        expect((await user.api.post("/v1/auth/logout")).status).toBe(204);
        expectError(await user.api.get("/v1/me"), 401, "unauthorized");
        expectError(await user.api.post(`/v1/auth/logout`), 401, "unauthorized");
        expect((await client(server.url, other.body.accessToken).get("/v1/me")).status).toBe(200);
      });

      test("needs a valid token", async () => {
        expectError(await call(server.url, "POST", "/v1/auth/logout"), 401, "unauthorized");
      });
    });

    describe("/v1/me", () => {
      test("the caller", async () => {
        const user = await register(server.url, { displayName: "Me Myself" });
        const res = await user.api.get("/v1/me");
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ id: user.id, username: user.username, displayName: "Me Myself" });
      });

      test.each([
        ["no Authorization header", undefined],
        ["an empty bearer", "Bearer "],
        ["another scheme", "Basic dXNlcjpwYXNz"],
        ["garbage", "Bearer not.a.jwt"],
      ])("401 unauthorized with %s", async (_what, header) => {
        const res = await call(server.url, "GET", "/v1/me", header === undefined ? {} : { headers: { Authorization: header } });
        expectError(res, 401, "unauthorized");
      });
    });

    describe("access tokens", () => {
      let user: TestUser;
      let sid: string;
      const key = new TextEncoder().encode(TEST_JWT_SECRET);
      const now = () => Math.floor(Date.now() / 1000);
      const forge = (claims: { sub?: string; sid?: string; iss?: string; aud?: string; iat?: number; exp?: number }, secret = key) => {
        const jwt = new SignJWT(claims.sid === undefined ? {} : { sid: claims.sid }).setProtectedHeader({ alg: "HS256", typ: "JWT" });
        if (claims.sub) jwt.setSubject(claims.sub);
        if (claims.iss) jwt.setIssuer(claims.iss);
        if (claims.aud) jwt.setAudience(claims.aud);
        if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
        if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
        return jwt.sign(secret);
      };
      const good = () => ({ sub: user.id, sid, iss: "parley", aud: "parley", iat: now(), exp: now() + 300 });
      const me = (token: string) => client(server.url, token).get("/v1/me");

      beforeAll(async () => {
        user = await register(server.url);
        sid = decodeJwt(user.accessToken).sid as string;
      });

      test("the issued token carries iss/aud/exp, and a token forged with the same claims and secret works (sanity)", async () => {
        const claims = decodeJwt(user.accessToken);
        expect(claims).toMatchObject({ sub: user.id, iss: "parley", aud: "parley" });
        expect(typeof claims.sid).toBe("string");
        expect(claims.exp! - claims.iat!).toBeGreaterThan(0);
        expect((await me(await forge(good()))).status).toBe(200);
      });

      test("expired: 401", async () => {
        expectError(await me(await forge({ ...good(), iat: now() - 3600, exp: now() - 60 })), 401, "unauthorized");
      });

      test("a token that worked stops working at its exp", async () => {
        const exp = now() + 2;
        const token = await forge({ ...good(), exp });
        expect((await me(token)).status).toBe(200);
        expect((await me(token)).status).toBe(200);
        await Bun.sleep(exp * 1000 - Date.now() + 50);
        expectError(await me(token), 401, "unauthorized");
      });

      test("wrong audience or issuer, or none: 401", async () => {
        expectError(await me(await forge({ ...good(), aud: "someone-else" })), 401, "unauthorized");
        expectError(await me(await forge({ ...good(), iss: "someone-else" })), 401, "unauthorized");
        expectError(await me(await forge({ ...good(), aud: undefined })), 401, "unauthorized");
        expectError(await me(await forge({ ...good(), iss: undefined })), 401, "unauthorized");
      });

      test("missing sub, sid or exp: 401", async () => {
        expectError(await me(await forge({ ...good(), sub: undefined })), 401, "unauthorized");
        expectError(await me(await forge({ ...good(), sid: undefined })), 401, "unauthorized");
        expectError(await me(await forge({ ...good(), exp: undefined })), 401, "unauthorized");
      });

      test("signed with another secret: 401", async () => {
        const other = new TextEncoder().encode("some-other-secret-that-is-long-enough-0123");
        expectError(await me(await forge(good(), other)), 401, "unauthorized");
      });

      test("alg none: 401", async () => {
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
        const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64(good())}.`;
        expectError(await me(unsigned), 401, "unauthorized");
        // and with the real signature left on
        const sig = user.accessToken.split(".")[2];
        expectError(await me(`${b64({ alg: "none", typ: "JWT" })}.${b64(good())}.${sig}`), 401, "unauthorized");
      });

      test("tampered payload (someone else's sub) with the original signature: 401", async () => {
        const victim = await register(server.url);
        const [h, p, s] = user.accessToken.split(".");
        const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
        const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: victim.id })).toString("base64url")}.${s}`;
        expectError(await me(forged), 401, "unauthorized");
        // a flipped signature character
        const flipped = user.accessToken.slice(0, -2) + (user.accessToken.at(-2) === "A" ? "B" : "A") + user.accessToken.at(-1);
        expectError(await me(flipped), 401, "unauthorized");
      });

      test("a validly signed token of a session that does not exist: 401", async () => {
        expectError(await me(await forge({ ...good(), sid: crypto.randomUUID() })), 401, "unauthorized");
      });
    });

    describe("/v1/users?q=", () => {
      test("prefix search on usernames, case-insensitive, `_` literal, limit", async () => {
        const p = uniqueName("s").slice(0, 20);
        const a = await register(server.url, { username: `${p}_ann` });
        const b = await register(server.url, { username: `${p}_bob` });
        const c = await register(server.url, { username: `${p}xcal` });
        await register(server.url, { username: `z${p}_dan` }); // contains the prefix, does not start with it

        const all = await a.api.get(`/v1/users?q=${p}`);
        expect(all.status).toBe(200);
        expect(all.body.items).toEqual([
          { id: a.id, username: a.username, displayName: a.displayName },
          { id: b.id, username: b.username, displayName: b.displayName },
          { id: c.id, username: c.username, displayName: c.displayName },
        ]);

        const upper = await a.api.get(`/v1/users?q=${p.toUpperCase()}_B`);
        expect(upper.body.items.map((u: { id: string }) => u.id)).toEqual([b.id]);

        const underscore = await a.api.get(`/v1/users?q=${p}_`);
        expect(underscore.body.items.map((u: { id: string }) => u.id)).toEqual([a.id, b.id]);

        const limited = await a.api.get(`/v1/users?q=${p}&limit=2`);
        expect(limited.body.items.map((u: { id: string }) => u.id)).toEqual([a.id, b.id]);

        expect((await a.api.get(`/v1/users?q=${p}zzz`)).body).toEqual({ items: [] });
        expect(all.text).not.toContain("password");
      });

      test("q is required; auth is required", async () => {
        const user = await register(server.url);
        expectError(await user.api.get("/v1/users"), 400, "invalid_request");
        expectError(await user.api.get("/v1/users?q="), 400, "invalid_request");
        expectError(await user.api.get("/v1/users?q=abc&limit=0"), 400, "invalid_request");
        expectError(await call(server.url, "GET", "/v1/users?q=abc"), 401, "unauthorized");
      });
    });

    describe("/v1/users?ids=", () => {
      test("the users named, those that exist, in the order asked, each once", async () => {
        const a = await register(server.url);
        const b = await register(server.url, { displayName: "Bee" });
        const res = await a.api.get(`/v1/users?ids=${b.id},nobody,${a.id},${b.id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          items: [
            { id: b.id, username: b.username, displayName: "Bee" },
            { id: a.id, username: a.username, displayName: a.displayName },
          ],
        });
        expect(res.text).not.toContain("password");
        expect((await a.api.get("/v1/users?ids=nobody")).body).toEqual({ items: [] });
      });

      test("1-100 ids, not with q; auth is required", async () => {
        const user = await register(server.url);
        const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`).join(",");
        expect((await user.api.get(`/v1/users?ids=${ids(100)}`)).status).toBe(200);
        const tooMany = await user.api.get(`/v1/users?ids=${ids(101)}`);
        expectError(tooMany, 400, "invalid_request");
        expect(tooMany.body.error.details[0].field).toBe("ids");
        expectError(await user.api.get("/v1/users?ids="), 400, "invalid_request");
        expectError(await user.api.get("/v1/users?ids=,,"), 400, "invalid_request");
        expectError(await user.api.get(`/v1/users?ids=${"x".repeat(65)}`), 400, "invalid_request");
        expectError(await user.api.get(`/v1/users?ids=${user.id}&q=abc`), 400, "invalid_request");
        expectError(await call(server.url, "GET", `/v1/users?ids=${user.id}`), 401, "unauthorized");
      });
    });
  });
}
