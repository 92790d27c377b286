// Registering many users and direct conversations quickly (bounded concurrency) over HTTP.
export interface BenchUser {
  id: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

/** Runs `fn` over 0..n-1 with at most `limit` in flight; results in index order. */
export async function mapLimit<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) out[i] = await fn(i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return out;
}

export async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    } catch (err) {
      if (attempt >= 3) throw err;
      await Bun.sleep(50 * (attempt + 1));
    }
  }
}

const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

/** Registers `n` users (server should run with AUTH_RATE_LIMIT_PER_IP=0 and cheap argon2). */
export async function registerUsers(base: string, n: number, concurrency = 16, prefix = "b"): Promise<BenchUser[]> {
  return mapLimit(n, concurrency, async (i) => {
    const username = `${prefix}_${runId}_${i}`.slice(0, 32);
    const res = await postJson(`${base}/v1/auth/register`, { username, password: `bench-password-${i}-x` });
    if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.user.id, username, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
  });
}

/** The direct conversation of a and b (created or existing). */
export async function directConversation(base: string, a: BenchUser, b: BenchUser): Promise<string> {
  const res = await postJson(`${base}/v1/conversations`, { kind: "direct", with: b.id }, a.accessToken);
  if (res.status !== 201 && res.status !== 200) throw new Error(`direct: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** GET JSON with a token. */
export async function getJson(base: string, path: string, token: string): Promise<any> {
  const res = await fetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Every message of a conversation, in seq order (paged by `after`). */
export async function history(base: string, conv: string, token: string): Promise<any[]> {
  const items: any[] = [];
  let after = 0;
  for (;;) {
    const page = await getJson(base, `/v1/conversations/${conv}/messages?after=${after}&limit=200`, token);
    items.push(...page.items);
    if (!page.hasMore || page.items.length === 0) return items;
    after = page.items[page.items.length - 1].seq;
  }
}
