// PROTOCOL.md "Errors" and "Operations": every failure in the contract's shape (never a 500),
// body limits, unknown routes, /healthz, /openapi.json (a valid OpenAPI 3 document of every
// route) and /docs.
import { beforeAll, describe, expect, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { call, directConversation, expectError, registerMany, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";

/** Every HTTP route of the server; the OpenAPI document must describe each of them. */
const ROUTES: [method: string, path: string][] = [
  ["post", "/v1/auth/register"],
  ["post", "/v1/auth/login"],
  ["post", "/v1/auth/refresh"],
  ["post", "/v1/auth/logout"],
  ["get", "/v1/me"],
  ["get", "/v1/users"],
  ["post", "/v1/conversations"],
  ["get", "/v1/conversations"],
  ["get", "/v1/conversations/{id}"],
  ["get", "/v1/conversations/{id}/receipts"],
  ["post", "/v1/conversations/{id}/messages"],
  ["get", "/v1/conversations/{id}/messages"],
  ["post", "/v1/conversations/{id}/read"],
  ["get", "/v1/ws"],
  ["get", "/healthz"],
];

for (const kind of targetKinds()) {
  describe(`errors and operations [${kind}]`, () => {
    const server = useTarget(kind);
    let a: TestUser;
    let b: TestUser;
    let conv: string;
    beforeAll(async () => {
      [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      conv = await directConversation(a, b);
    });

    describe("request bodies", () => {
      test("malformed JSON: 400 invalid_request", async () => {
        for (const raw of ["{bad", "{\"username\": ", "", "{'single': 'quotes'}", "\u0000"]) {
          expectError(await call(server.url, "POST", "/v1/auth/register", { raw }), 400, "invalid_request");
          expectError(await call(server.url, "POST", `/v1/conversations/${conv}/messages`, { raw, token: a.accessToken }), 400, "invalid_request");
        }
      });

      test("JSON that is not an object: 400 invalid_request", async () => {
        for (const raw of ["null", "42", "\"text\"", "[]", "true"]) {
          expectError(await call(server.url, "POST", "/v1/auth/login", { raw }), 400, "invalid_request");
        }
      });

      test("a body that is not declared JSON: 400 invalid_request", async () => {
        const json = JSON.stringify({ username: "someone", password: "password1" });
        for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
          const res = await call(server.url, "POST", "/v1/auth/register", { raw: json, headers: { "Content-Type": type } });
          expectError(res, 400, "invalid_request");
        }
      });

      test("Content-Type variants of JSON are accepted", async () => {
        for (const type of ["application/json; charset=utf-8", "application/json;charset=UTF-8", "application/vnd.api+json"]) {
          const res = await call(server.url, "POST", "/v1/auth/login", {
            raw: JSON.stringify({ username: a.username, password: a.password }),
            headers: { "Content-Type": type },
          });
          expect({ type, status: res.status }).toEqual({ type, status: 200 });
        }
      });

      test("wrong types: 400 with details naming each field", async () => {
        const res = await call(server.url, "POST", "/v1/auth/register", { json: { username: ["x"], password: { p: 1 }, displayName: 5 } });
        expectError(res, 400, "invalid_request");
        const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
        expect(fields).toEqual(["displayName", "password", "username"]);
      });

      test("a body over the limit: 413 payload_too_large, with or without Content-Length", async () => {
        const big = JSON.stringify({ clientId: "big", body: { type: "text", text: "x".repeat(400_000) } });
        const sized = await call(server.url, "POST", `/v1/conversations/${conv}/messages`, { raw: big, token: a.accessToken });
        expectError(sized, 413, "payload_too_large");

        const bytes = new TextEncoder().encode(big);
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < bytes.length; i += 16_384) c.enqueue(bytes.slice(i, i + 16_384));
            c.close();
          },
        });
        const res = await fetch(`${server.url}/v1/conversations/${conv}/messages`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${a.accessToken}` },
          body: stream,
          duplex: "half",
        } as RequestInit);
        expect(res.status).toBe(413);
        expect((await res.json()).error.code).toBe("payload_too_large");

        // on unauthenticated routes too
        const reg = await call(server.url, "POST", "/v1/auth/register", { raw: JSON.stringify({ username: "x".repeat(300_000) }) });
        expectError(reg, 413, "payload_too_large");
        // nothing was stored
        expect((await a.api.get(`/v1/conversations/${conv}`)).body.lastSeq).toBe(0);
      });

      test("a body just under the limit is read (and then judged on its content)", async () => {
        const res = await a.api.post(`/v1/conversations/${conv}/messages`, {
          clientId: "near",
          body: { type: "text", text: "x".repeat(16_000) },
          padding: "p".repeat(200_000),
        });
        expect(res.status).toBe(201);
      });
    });

    describe("routes", () => {
      test("an unknown route: 404 not_found in the error shape", async () => {
        for (const [method, path] of [
          ["GET", "/nope"],
          ["GET", "/v1/nope"],
          ["POST", "/v1/auth/nope"],
          ["GET", "/v2/me"],
          ["DELETE", "/v1/me"],
          ["PUT", `/v1/conversations/${conv}`],
          ["GET", `/v1/conversations/${conv}/nope`],
        ] as const) {
          expectError(await call(server.url, method, path, { token: a.accessToken }), 404, "not_found");
        }
      });

      test("GET /v1/ws: a foreign browser Origin is 403 forbidden; a plain GET is a 4xx in the error shape", async () => {
        // default configuration: only localhost origins may open sockets
        const foreign = await call(server.url, "GET", "/v1/ws", {
          headers: { Origin: "https://evil.example", Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13" },
        });
        expectError(foreign, 403, "forbidden");
        const plain = await call(server.url, "GET", "/v1/ws");
        expect(plain.status).toBeGreaterThanOrEqual(400);
        expect(plain.status).toBeLessThan(500);
        expect(typeof plain.body?.error?.code).toBe("string");
      });

      test("odd conversation ids: 4xx, never data, never 500", async () => {
        for (const id of ["%00", "..", "%2e%2e", "x".repeat(65), encodeURIComponent("' OR 1=1 --"), "%F0%9F%98%80", "%E0%A4%A"]) {
          const res = await a.api.get(`/v1/conversations/${id}/messages`);
          expect([400, 404]).toContain(res.status);
          expect(res.body.error.code).toMatch(/^(invalid_request|not_found)$/);
        }
      });
    });

    test("garbage sent to every route never causes a 500, and every failure has the error shape", async () => {
      const bodies: (string | undefined)[] = [
        undefined,
        "",
        "{",
        "null",
        "[]",
        "{}",
        '{"kind":"direct","with":null}',
        '{"kind":"group","title":"t","members":[null,{},1e400]}',
        '{"clientId":{"$ne":1},"body":{"type":"text","text":["a"]}}',
        '{"seq":1e308}',
        '{"seq":-0.0}',
        '{"refreshToken":123}',
        '{"username":"abc","password":"' + "p".repeat(10_000) + '"}',
        "[".repeat(5000) + "]".repeat(5000),
        '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
        JSON.stringify({ username: "\ud800abc", password: "\udfffpassword" }),
      ];
      const queries = ["", "?after=1e400", "?limit=NaN", "?q=%", "?q=" + "q".repeat(100), "?before=99999999999999999999", "?after[]=1"];
      const failures: string[] = [];
      for (const [method, template] of ROUTES) {
        if (template === "/v1/ws") continue;
        const path = template.replace("{id}", conv);
        for (const token of [a.accessToken, undefined]) {
          for (const raw of method === "post" ? bodies : [undefined]) {
            for (const query of method === "get" ? queries : [""]) {
              const res = await call(server.url, method.toUpperCase(), path + query, { token, raw });
              const ok = res.status < 300;
              const shaped = typeof res.body?.error?.code === "string" && typeof res.body?.error?.message === "string";
              if (res.status >= 500 || (!ok && !shaped)) failures.push(`${method} ${path}${query} ${String(raw).slice(0, 40)} -> ${res.status} ${res.text.slice(0, 120)}`);
            }
          }
        }
      }
      expect(failures).toEqual([]);
    });

    describe("operations", () => {
      test("GET /healthz: 200 {ok: true}", async () => {
        const res = await call(server.url, "GET", "/healthz");
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: true });
      });

      test("GET /openapi.json: a valid OpenAPI 3 document listing every route", async () => {
        const res = await call(server.url, "GET", "/openapi.json");
        expect(res.status).toBe(200);
        const doc = res.body;
        expect(doc.openapi).toMatch(/^3\./);
        const validator = new Validator();
        const result = await validator.validate(doc);
        expect(result.errors ?? []).toEqual([]);
        expect(result.valid).toBe(true);

        for (const [method, path] of ROUTES) {
          expect({ route: `${method} ${path}`, described: Boolean(doc.paths?.[path]?.[method]) }).toEqual({
            route: `${method} ${path}`,
            described: true,
          });
        }
        // every $ref points at something that exists
        const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
        for (const ref of refs) {
          const pointer = ref.slice(8, -1).replace(/^#\//, "").split("/");
          let node = doc;
          for (const part of pointer) node = node?.[part];
          expect({ ref, resolves: node !== undefined }).toEqual({ ref, resolves: true });
        }
        // authenticated routes say so
        expect(doc.paths["/v1/me"].get.security).toEqual([{ bearer: [] }]);
        expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
        // and the error responses use the error shape
        expect(JSON.stringify(doc.paths["/v1/auth/register"].post.responses["409"])).toContain("Error");
      });

      test("GET /docs: an HTML page for the document", async () => {
        const res = await fetch(`${server.url}/docs`);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toContain("text/html");
        const html = await res.text();
        expect(html.toLowerCase()).toContain("<html");
        expect(html).toContain("/openapi.json");
      });
    });
  });
}
