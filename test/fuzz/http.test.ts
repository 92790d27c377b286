// Property-based: every route of the OpenAPI document (so a route added later is fuzzed too),
// with random path parameters and queries, and for routes with a JSON body, well-formed bodies
// mutated (wrong types, missing and extra fields, truncated, oversized, deeply nested, Unicode
// edges). Never a 500; every failure in the contract's error shape; the server stays healthy.
import { beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { call, directConversation, registerMany, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { deeplyNested, edgyJson, edgyString, mutated, runs } from "./arbitraries.ts";

type Operation = { requestBody?: unknown; security?: unknown[] };
/** Routes that are not plain HTTP requests, or whose success ends the caller's login. */
const SKIPPED = new Set(["get /v1/ws", "post /v1/auth/logout"]);

for (const kind of targetKinds()) {
  describe(`fuzzed HTTP requests [${kind}]`, () => {
    const server = useTarget(kind, { AUTH_RATE_LIMIT_PER_IP: "0", AUTH_FAILURE_LIMIT_PER_IP: "0", LOGIN_FAILURE_LIMIT_PER_USERNAME: "0" });
    let a: TestUser;
    let b: TestUser;
    let conv: string;
    let routes: { method: string; path: string; op: Operation }[];
    beforeAll(async () => {
      [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      conv = await directConversation(a, b);
      const doc = (await call(server.url, "GET", "/openapi.json")).body;
      routes = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ method, path, op })),
      );
    });

    // Well-formed bodies of the routes that take one; any other body route gets random JSON.
    const username = fc.stringMatching(/^[a-z0-9_.-]{3,32}$/);
    const bodies: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
      "/v1/auth/register": fc.record({ username, password: fc.string({ minLength: 8, maxLength: 40 }), displayName: edgyString }, { requiredKeys: ["username", "password"] }),
      "/v1/auth/login": fc.record({ username, password: edgyString }),
      "/v1/auth/refresh": fc.record({ refreshToken: edgyString }),
      "/v1/conversations": fc.oneof(
        fc.record({ kind: fc.constant("direct"), with: fc.oneof(fc.constant("__b__"), edgyString) }),
        fc.record({ kind: fc.constant("group"), title: edgyString, members: fc.array(fc.oneof(fc.constant("__b__"), edgyString), { maxLength: 4 }) }),
      ),
      "/v1/conversations/{id}/messages": fc.record({ clientId: fc.string({ minLength: 1, maxLength: 130 }), body: fc.record({ type: fc.constantFrom("text", "image", ""), text: edgyString }) }),
      "/v1/conversations/{id}/read": fc.record({ seq: fc.oneof(fc.nat({ max: 10 }), fc.double()) }),
    };
    const body = (path: string) => fc.oneof(mutated(bodies[path] ?? fc.dictionary(edgyString, edgyJson, { maxKeys: 4 })), edgyJson.map((v) => JSON.stringify(v) ?? ""), deeplyNested);
    const pathParam = fc.oneof(
      fc.constant("__conv__"),
      // lone surrogates cannot be percent-encoded as UTF-8: they become U+FFFD, and broken escapes come raw
      edgyString.map((s) => encodeURIComponent(s.slice(0, 300).replace(/[\ud800-\udfff]/gu, "\ufffd"))),
      fc.constantFrom("%ED%A0%80", "%FF", "%", "%E0%A4%A", "%2e%2e", "%00"),
    );
    const query = fc.dictionary(fc.constantFrom("after", "before", "limit", "q", "x"), fc.oneof(edgyString.map((s) => s.slice(0, 300)), fc.integer().map(String)), { maxKeys: 3 });

    test("every route: no 500, every failure in the error shape", async () => {
      const fuzzed = routes.filter((r) => !SKIPPED.has(`${r.method} ${r.path}`));
      expect(fuzzed.length).toBeGreaterThan(10);
      const request = fc.record({
        route: fc.constantFrom(...fuzzed),
        param: pathParam,
        query,
        authed: fc.boolean(),
      }).chain((r) => (r.route.op.requestBody ? body(r.route.path).map((raw) => ({ ...r, raw: raw as string | undefined })) : fc.constant({ ...r, raw: undefined })));
      await fc.assert(
        fc.asyncProperty(request, async ({ route, param, query: q, authed, raw }) => {
          // every path parameter gets the fuzzed value ({id} the conversation, when asked for)
          const filled = route.path.replace(/\{(\w+)\}/g, (_, name) => (param === "__conv__" ? (name === "id" ? conv : "1") : param));
          const path = filled + (Object.keys(q).length ? `?${new URLSearchParams(q)}` : "");
          const res = await call(server.url, route.method.toUpperCase(), path, {
            token: authed ? a.accessToken : undefined,
            raw: raw?.replaceAll("__b__", b.id).replaceAll("__conv__", conv),
          });
          // the Telegram-compatible endpoint answers in Telegram's envelope (a path it does not
          // match is a plain 404 of ours); everything else in ours
          const ours = typeof res.body?.error?.code === "string" && typeof res.body?.error?.message === "string";
          const telegrams = res.body?.ok === false && typeof res.body?.error_code === "number" && typeof res.body?.description === "string";
          const shaped = ours || (route.path.startsWith("/tg/") && telegrams);
          expect({ request: `${route.method} ${path}`, status: res.status, shaped: res.status < 400 || shaped }).toEqual({
            request: `${route.method} ${path}`,
            status: res.status < 500 || res.status === 501 ? res.status : -1,
            shaped: true,
          });
        }),
        { numRuns: runs(400) },
      );
      expect((await call(server.url, "GET", "/healthz")).status).toBe(200);
    }, 60_000);
  });
}
