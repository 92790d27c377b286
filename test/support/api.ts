// Plain-fetch helpers for the HTTP contract tests: nothing here reaches into the server process.
import { expect } from "bun:test";

export interface Res<T = any> {
  status: number;
  headers: Headers;
  /** parsed JSON, or null when the body was empty or not JSON */
  body: T;
  text: string;
}

export interface CallOptions {
  token?: string;
  /** serialised with JSON.stringify unless `raw` is given */
  json?: unknown;
  /** sent as is (malformed JSON, huge bodies, ...) */
  raw?: BodyInit;
  headers?: Record<string, string>;
}

export async function call<T = any>(base: string, method: string, path: string, opts: CallOptions = {}): Promise<Res<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined = opts.raw;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers["Content-Type"] ??= "application/json";
  } else if (opts.raw !== undefined) {
    headers["Content-Type"] ??= "application/json";
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: any = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** An API client bound to one server and, optionally, one access token. */
export function client(base: string, token?: string) {
  const go =
    (method: string) =>
    <T = any>(path: string, json?: unknown, extra: Omit<CallOptions, "json"> = {}) =>
      call<T>(base, method, path, { token, ...extra, ...(json === undefined ? {} : { json }) });
  return { get: go("GET"), post: go("POST"), put: go("PUT"), delete: go("DELETE"), patch: go("PATCH"), base, token };
}
export type Client = ReturnType<typeof client>;

let counter = 0;
/** A username no other test uses: lower-case, within 3-32 characters. */
export const uniqueName = (prefix = "u"): string =>
  `${prefix}_${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`.slice(0, 32);

export interface TestUser {
  id: string;
  username: string;
  displayName: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  api: Client;
}

export async function register(
  base: string,
  input: { username?: string; password?: string; displayName?: string } = {},
): Promise<TestUser> {
  const username = input.username ?? uniqueName();
  const password = input.password ?? `pw-${Math.random().toString(36).slice(2)}-long`;
  const res = await call(base, "POST", "/v1/auth/register", { json: { username, password, displayName: input.displayName } });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.text}`);
  const { user, accessToken, refreshToken } = res.body;
  return { ...user, password, accessToken, refreshToken, api: client(base, accessToken) };
}

/** Registers `n` users in parallel. */
export const registerMany = (base: string, n: number) => Promise.all(Array.from({ length: n }, () => register(base)));

/** Asserts the contract's error shape: {"error": {"code", "message"}} with the given status. */
export function expectError(res: Res, status: number, code: string): void {
  if (res.status !== status || res.body?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${res.text.slice(0, 500)}`);
  }
  expect(res.headers.get("content-type") ?? "").toContain("application/json");
  expect(typeof res.body.error.message).toBe("string");
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

export async function directConversation(a: TestUser, b: TestUser): Promise<string> {
  const res = await a.api.post("/v1/conversations", { kind: "direct", with: b.id });
  if (res.status !== 201 && res.status !== 200) throw new Error(`create direct: ${res.status} ${res.text}`);
  return res.body.id;
}

export async function group(owner: TestUser, members: TestUser[], title = "a group"): Promise<string> {
  const res = await owner.api.post("/v1/conversations", { kind: "group", title, members: members.map((m) => m.id) });
  if (res.status !== 201) throw new Error(`create group: ${res.status} ${res.text}`);
  return res.body.id;
}

export async function sendText(user: TestUser, conv: string, text: string, clientId: string = crypto.randomUUID()) {
  const res = await user.api.post(`/v1/conversations/${conv}/messages`, { clientId, body: { type: "text", text } });
  if (res.status !== 201) throw new Error(`send: ${res.status} ${res.text}`);
  return res.body as { id: string; conv: string; seq: number; sender: string; ts: number; clientId: string; body: { type: string; text: string } };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
