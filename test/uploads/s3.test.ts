// Uploads on Bun with UPLOAD_STORE=s3, against a local S3 server (s3rver, from npm): bytes
// streamed into the bucket as a multipart upload, read back with Range, and a refused or cut-off
// upload leaves no object.
// Bun only, so outside test/http and test/ws, which `npm test` runs again against Workers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";
import { call, expectError, register } from "../support/api.ts";
import { RawHttp } from "../support/raw-http.ts";
import { startTarget, tempDataDir, type Target } from "../support/target.ts";

const MiB = 1024 * 1024;
const BUCKET = "parley-test";
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1" };

const s3data = tempDataDir("parley-s3rver-");
let s3server: { close(): Promise<void> };
let bucket: Bun.S3Client;
let target: Target;

beforeAll(async () => {
  s3server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: s3data.dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await (s3server as unknown as { run(): Promise<{ port: number }> }).run();
  const endpoint = `http://127.0.0.1:${port}`;
  bucket = new Bun.S3Client({ endpoint, bucket: BUCKET, ...credentials });
  target = await startTarget("bun", {
    UPLOAD_STORE: "s3",
    S3_ENDPOINT: endpoint,
    S3_BUCKET: BUCKET,
    S3_ACCESS_KEY_ID: credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    S3_REGION: credentials.region,
    MAX_UPLOAD_BYTES: String(12 * MiB),
  });
});
afterAll(async () => {
  await target?.stop();
  await s3server?.close();
  s3data.remove();
});

const objects = async () => ((await bucket.list()).contents ?? []).map((o) => o.key);
const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 10)) & 0xff);

describe("uploads in an S3-compatible bucket [bun + s3rver]", () => {
  test("a 11 MiB upload (three parts) lands as one object under its id and comes back whole and in ranges", async () => {
    const user = await register(target.url);
    const bytes = pattern(11 * MiB);
    const res = await call(target.url, "POST", "/v1/uploads?name=video.bin", { token: user.accessToken, raw: bytes, headers: { "Content-Type": "application/octet-stream" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ size: bytes.byteLength, sha256: sha256(bytes) });
    expect(await objects()).toContain(res.body.id);

    const whole = await fetch(`${target.url}/v1/uploads/${res.body.id}`, { headers: { Authorization: `Bearer ${user.accessToken}` } });
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(bytes));
    const part = await fetch(`${target.url}/v1/uploads/${res.body.id}`, { headers: { Authorization: `Bearer ${user.accessToken}`, Range: `bytes=${6 * MiB}-${6 * MiB + 99}` } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(6 * MiB, 6 * MiB + 100));
  });

  test("a body over the limit, and one whose client hangs up after 7 MiB, leave no object", async () => {
    const user = await register(target.url);
    const before = await objects();
    let sent = 0;
    const tooBig = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 13 * MiB) return c.close();
        sent += MiB;
        c.enqueue(new Uint8Array(MiB).fill(1));
      },
    });
    expectError(await call(target.url, "POST", "/v1/uploads?name=big.bin", { token: user.accessToken, raw: tooBig, headers: { "Content-Type": "application/octet-stream" } }), 413, "payload_too_large");

    const raw = await RawHttp.open(target.url);
    raw.head("POST", "/v1/uploads?name=half.bin", { Authorization: `Bearer ${user.accessToken}`, "Content-Type": "application/octet-stream", "Content-Length": String(12 * MiB) });
    raw.write(pattern(7 * MiB)); // past the first part: a multipart upload is under way
    await Bun.sleep(1000);
    raw.destroy();
    await Bun.sleep(1000);
    expect(await objects()).toEqual(before);
    // and the server goes on storing
    const ok = await call(target.url, "POST", "/v1/uploads?name=ok.txt", { token: user.accessToken, raw: "fine", headers: { "Content-Type": "text/plain" } });
    expect(ok.status).toBe(201);
  });
});
