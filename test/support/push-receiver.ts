// A push service for tests: a real HTTP server on 127.0.0.1 standing in for the endpoints of Web
// Push subscriptions. It makes each device's keys itself (node:crypto), checks every request's
// VAPID JWT (RFC 8292) against the key the server advertises, and decrypts the aes128gcm body
// (RFC 8291) with the device's private key — an implementation independent of Parley's (Web
// Crypto, jose), so a mistake on either side fails the tests.
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";

export interface Pushed {
  device: string;
  headers: Headers;
  /** the decrypted payload */
  payload: any;
  status: number;
}

const b64u = (buf: Uint8Array) => Buffer.from(buf).toString("base64url");

function decrypt(body: Buffer, device: { ecdh: ReturnType<typeof createECDH>; auth: Buffer; publicKey: Buffer }): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idLen = body[20]!;
  const asPublic = body.subarray(21, 21 + idLen);
  const sealed = body.subarray(21 + idLen);
  if (rs < 18 || sealed.length > rs) throw new Error(`one record expected (rs ${rs}, ${sealed.length} bytes)`);
  const shared = device.ecdh.computeSecret(asPublic);
  const info = Buffer.concat([Buffer.from("WebPush: info\0"), device.publicKey, asPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, device.auth, info, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const padded = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return padded.subarray(0, end).toString("utf8");
}

/** The claims of a VAPID `Authorization: vapid t=…, k=…` header, or an error saying what is wrong. */
function checkVapid(header: string | null, expectedKey: string, origin: string): void {
  const match = header?.match(/^vapid t=([^,]+),\s*k=(\S+)$/);
  if (!match) throw new Error(`no VAPID authorization: ${header}`);
  const [, jwt, k] = match as unknown as [string, string, string];
  if (k !== expectedKey) throw new Error("VAPID k is not the server's public key");
  const [h, p, s] = jwt.split(".") as [string, string, string];
  const header_ = JSON.parse(Buffer.from(h, "base64url").toString());
  if (header_.alg !== "ES256") throw new Error(`alg ${header_.alg}`);
  const point = Buffer.from(k, "base64url");
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: "jwk" });
  if (!verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))) throw new Error("VAPID signature does not verify");
  const claims = JSON.parse(Buffer.from(p, "base64url").toString());
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud}, expected ${origin}`);
  const now = Date.now() / 1000;
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error(`exp ${claims.exp}`);
  if (!/^(mailto:|https:)/.test(claims.sub)) throw new Error(`sub ${claims.sub}`);
}

export function pushReceiver() {
  const devices = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer; publicKey: Buffer; status: number }>();
  const received: Pushed[] = [];
  const problems: string[] = [];
  let serverKey = "";
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const name = url.pathname.slice("/push/".length);
      const device = devices.get(name);
      if (!device) return new Response("no such subscription", { status: 404 });
      try {
        if (req.headers.get("content-encoding") !== "aes128gcm") throw new Error(`content-encoding ${req.headers.get("content-encoding")}`);
        if (!req.headers.get("ttl")) throw new Error("no TTL");
        checkVapid(req.headers.get("authorization"), serverKey, url.origin);
        const payload = JSON.parse(decrypt(Buffer.from(await req.arrayBuffer()), device));
        received.push({ device: name, headers: req.headers, payload, status: device.status });
        return new Response(null, { status: device.status });
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message}`);
        return new Response("bad push", { status: 400 });
      }
    },
  });
  const origin = `http://127.0.0.1:${server.port}`;
  return {
    received,
    problems,
    /** the key every request must be signed with (GET /v1/push/vapid-key) */
    expectKey(publicKey: string) {
      serverKey = publicKey;
    },
    /** a new device: its subscription as PushSubscription.toJSON() gives it */
    device(name: string = crypto.randomUUID()) {
      const ecdh = createECDH("prime256v1");
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      devices.set(name, { ecdh, auth, publicKey, status: 201 });
      return { name, subscription: { endpoint: `${origin}/push/${name}`, expirationTime: null, keys: { p256dh: b64u(publicKey), auth: b64u(auth) } } };
    },
    /** how this device's pushes are answered from now on (410: gone) */
    answer(name: string, status: number) {
      devices.get(name)!.status = status;
    },
    of: (name: string) => received.filter((r) => r.device === name),
    async until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(received.map((r) => [r.device, r.payload]))}; problems ${problems.join("; ")}`);
        await Bun.sleep(25);
      }
    },
    stop: () => server.stop(true),
  };
}
