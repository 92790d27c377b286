// PBKDF2-SHA256 through Web Crypto: available on Bun and on Workers (where 100,000 iterations
// is the ceiling). Hashes are self-describing: $pbkdf2-sha256$i=<n>$<salt b64>$<hash b64>.
const PREFIX = "$pbkdf2-sha256$";
export const PBKDF2_ITERATIONS = 100_000;

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations }, key, 256);
  return new Uint8Array(bits);
}

export const isPbkdf2Hash = (hash: string) => hash.startsWith(PREFIX);

export async function pbkdf2Hash(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `${PREFIX}i=${iterations}$${b64(salt)}$${b64(await derive(password, salt, iterations))}`;
}

/** ok, and whether it was made with fewer iterations than we use now */
export async function pbkdf2Verify(password: string, hash: string): Promise<{ ok: boolean; weak: boolean }> {
  const [, , params, salt, expected] = hash.split("$");
  const iterations = Number(params?.replace("i=", ""));
  if (!salt || !expected || !Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) {
    return { ok: false, weak: false };
  }
  const actual = await derive(password, unb64(salt), iterations);
  const want = unb64(expected);
  let diff = actual.length ^ want.length;
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ (want[i] ?? 0);
  return { ok: diff === 0, weak: iterations < PBKDF2_ITERATIONS };
}
