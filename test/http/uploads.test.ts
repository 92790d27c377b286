// POST /v1/uploads and GET /v1/uploads/:id (PROTOCOL.md "Uploads"; issue 14 points 3-5): bytes
// streamed in and stored whole or not at all, the type sniffed from them, downloads with Range
// that a browser never runs, access for the uploader only (until the message path adds readers),
// signed links, and every limit a hostile client meets.
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ParleyHttp } from "../../src/client/http.ts";
import { call, expectError, register, type TestUser } from "../support/api.ts";
import { gif, jpeg, png, webp } from "../support/images.ts";
import { RawHttp } from "../support/raw-http.ts";
import { targetKinds, tempDataDir, useTarget } from "../support/target.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const MAX = 1 * MiB;
const QUOTA = 3 * MiB;

const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
const text = (s: string) => new TextEncoder().encode(s);
const randomBytes = (n: number) => {
  const bytes = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(bytes.subarray(at, Math.min(n, at + 65536)));
  return bytes;
};

function upload(user: TestUser, name: string | null, body: BodyInit, contentType = "application/octet-stream") {
  const query = name === null ? "" : `?name=${encodeURIComponent(name)}`;
  return call(user.api.base, "POST", `/v1/uploads${query}`, { token: user.accessToken, raw: body, headers: { "Content-Type": contentType } });
}

async function uploaded(user: TestUser, name: string, bytes: Uint8Array<ArrayBuffer>, contentType?: string) {
  const res = await upload(user, name, bytes, contentType);
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.text}`);
  return res.body as { id: string; name: string; size: number; mime: string; sha256: string; width?: number; height?: number };
}

const download = (base: string, id: string, token?: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/uploads/${id}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });

/** A body that trickles out chunk by chunk (fetch sends it chunked, without a Content-Length). */
const chunked = (total: number, chunk = 64 * KiB) => {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(7));
    },
  });
};

/** Polls `check` until it holds or `ms` passed. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await Bun.sleep(50);
  }
  return check();
}

for (const kind of targetKinds()) {
  describe(`uploads [${kind}]`, () => {
    // On Bun the data directory is ours, to look for files left behind.
    const data = tempDataDir("parley-uploads-");
    afterAll(() => data.remove());
    const t = useTarget(kind, {
      MAX_UPLOAD_BYTES: String(MAX),
      UPLOAD_BYTES_PER_DAY: String(QUOTA),
      ...(kind === "bun" ? { DATA_DIR: data.dir } : {}),
    });
    /** Every file under DATA_DIR/uploads, temp files included (Bun). */
    const storedFiles = () => readdirSync(join(data.dir, "uploads"), { recursive: true, encoding: "utf8" }).filter((f) => /[^/]{12,}$/.test(f));

    test("a PNG: 201 with its sniffed type, size, dimensions and sha256; the same bytes back, inline, never runnable", async () => {
      const user = await register(t.url);
      const bytes = png(640, 480);
      const res = await upload(user, "holiday.png", bytes, "image/png");
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), name: "holiday.png", size: bytes.byteLength, mime: "image/png", sha256: sha256(bytes), width: 640, height: 480 });

      const got = await download(t.url, res.body.id, user.accessToken);
      expect(got.status).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
      expect(got.headers.get("content-type")).toBe("image/png");
      expect(got.headers.get("content-length")).toBe(String(bytes.byteLength));
      expect(got.headers.get("content-disposition")).toBe(`inline; filename="holiday.png"; filename*=UTF-8''holiday.png`);
      expect(got.headers.get("x-content-type-options")).toBe("nosniff");
      expect(got.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
      expect(got.headers.get("accept-ranges")).toBe("bytes");
    });

    test("JPEG (EXIF-turned too), GIF and WebP: type and size from their headers; a PDF is a PDF and an attachment", async () => {
      const user = await register(t.url);
      expect(await uploaded(user, "a.jpg", jpeg(800, 600))).toMatchObject({ mime: "image/jpeg", width: 800, height: 600 });
      // orientation 6: stored 800×600, shown 600×800
      expect(await uploaded(user, "b.jpg", jpeg(800, 600, 6))).toMatchObject({ mime: "image/jpeg", width: 600, height: 800 });
      expect(await uploaded(user, "c.gif", gif(30, 20))).toMatchObject({ mime: "image/gif", width: 30, height: 20 });
      expect(await uploaded(user, "d.webp", webp(1920, 1080))).toMatchObject({ mime: "image/webp", width: 1920, height: 1080 });
      const pdf = await uploaded(user, "e.pdf", text("%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"), "text/html");
      expect(pdf).toMatchObject({ mime: "application/pdf" });
      expect(pdf.width).toBeUndefined();
      const got = await download(t.url, pdf.id, user.accessToken);
      expect(got.headers.get("content-disposition")).toStartWith("attachment;");
      await got.body?.cancel();
    });

    test("an HTML page named .png and sent as image/png is stored as octet-stream and only ever downloaded as an attachment", async () => {
      const user = await register(t.url);
      for (const [name, type] of [["cat.png", "image/png"], ["page.html", "text/html"], ["logo.svg", "image/svg+xml"]] as const) {
        const page = type === "image/svg+xml" ? `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>` : "<!doctype html><script>alert(document.cookie)</script>";
        const stored = await uploaded(user, name, text(page), type);
        expect(stored.mime).toBe("application/octet-stream");
        expect(stored.width).toBeUndefined();
        const got = await download(t.url, stored.id, user.accessToken);
        expect(got.headers.get("content-type")).toBe("application/octet-stream");
        expect(got.headers.get("content-disposition")).toStartWith("attachment;");
        expect(got.headers.get("x-content-type-options")).toBe("nosniff");
        expect(got.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
        expect(await got.text()).toBe(page);
      }
    });

    test("names: path and control characters dropped, quoting safe, long names cut before the extension; none left: 400", async () => {
      const user = await register(t.url);
      const bytes = text("hello");
      expect((await uploaded(user, "../../etc/passwd", bytes)).name).toBe("passwd");
      expect((await uploaded(user, "C:\\Users\\ada\\notes.txt", bytes)).name).toBe("notes.txt");
      expect((await uploaded(user, "evil\u202egpj.exe\u0000\n", bytes)).name).toBe("evilgpj.exe");
      const long = await uploaded(user, `${"x".repeat(400)}.txt`, bytes);
      expect(long.name).toBe(`${"x".repeat(251)}.txt`);
      const quoted = await uploaded(user, `say "hi" ü.txt`, bytes);
      const got = await download(t.url, quoted.id, user.accessToken);
      expect(got.headers.get("content-disposition")).toBe(`attachment; filename="say _hi_ _.txt"; filename*=UTF-8''say%20%22hi%22%20%C3%BC.txt`);
      await got.body?.cancel();
      for (const name of [null, "", "/", "..", "\u0001\u0002"]) expectError(await upload(user, name, bytes), 400, "invalid_request");
    });

    test("an empty body is refused (400), with or without a Content-Length", async () => {
      const user = await register(t.url);
      expectError(await upload(user, "empty.txt", new Uint8Array(0)), 400, "invalid_request");
      expectError(await upload(user, "empty.txt", new ReadableStream({ start: (c) => c.close() })), 400, "invalid_request");
    });

    test("Range: 206 with Content-Range, suffix and open ranges, 416 past the end; several ranges get the whole file", async () => {
      const user = await register(t.url);
      const bytes = randomBytes(10_000);
      const { id } = await uploaded(user, "r.bin", bytes);
      const range = async (spec: string) => download(t.url, id, user.accessToken, { Range: spec });

      const part = await range("bytes=100-199");
      expect(part.status).toBe(206);
      expect(part.headers.get("content-range")).toBe("bytes 100-199/10000");
      expect(part.headers.get("content-length")).toBe("100");
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));

      const tail = await range("bytes=-300");
      expect(tail.headers.get("content-range")).toBe("bytes 9700-9999/10000");
      expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.subarray(9700));
      const open = await range("bytes=9990-");
      expect(new Uint8Array(await open.arrayBuffer())).toEqual(bytes.subarray(9990));
      const beyond = await range("bytes=9000-20000");
      expect(beyond.headers.get("content-range")).toBe("bytes 9000-9999/10000");
      await beyond.body?.cancel();

      for (const spec of ["bytes=10000-", "bytes=20000-30000", "bytes=-0"]) {
        const res = await range(spec);
        expect(res.status).toBe(416);
        expect(res.headers.get("content-range")).toBe("bytes */10000");
        expect((await res.json()).error.code).toBe("range_not_satisfiable");
      }
      for (const spec of ["bytes=0-1,5-6", "items=0-1", "bytes=5-2"]) {
        const res = await range(spec);
        expect(res.status).toBe(200);
        expect((await res.arrayBuffer()).byteLength).toBe(10_000);
      }
    });

    test("only the uploader may download: anyone else, and unknown ids, get 404; no token 401", async () => {
      const [owner, other] = [await register(t.url), await register(t.url)];
      const { id } = await uploaded(owner, "private.txt", text("secret"));
      const res = await download(t.url, id, other.accessToken);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("not_found");
      expect((await download(t.url, "no-such-upload", owner.accessToken)).status).toBe(404);
      expect((await download(t.url, id)).status).toBe(401);
      expectError(await other.api.post(`/v1/uploads/${id}/url`), 404, "not_found");
    });

    test("signed links work without a token until they expire; any change to them is a 401", async () => {
      const user = await register(t.url);
      const bytes = png(16, 16);
      const { id } = await uploaded(user, "avatar.png", bytes);
      const issued = await user.api.post(`/v1/uploads/${id}/url`);
      expect(issued.status).toBe(200);
      expect(issued.body.expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);
      const got = await fetch(t.url + issued.body.url);
      expect(got.status).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
      const ranged = await fetch(t.url + issued.body.url, { headers: { Range: "bytes=0-7" } });
      expect(ranged.status).toBe(206);
      await ranged.body?.cancel();

      const link = new URL(t.url + issued.body.url);
      const tampered = (name: string, value: string) => {
        const u = new URL(link);
        u.searchParams.set(name, value);
        return fetch(u);
      };
      const other = await register(t.url);
      for (const res of [
        await tampered("exp", String(Number(link.searchParams.get("exp")) + 1)), // a longer life
        await tampered("u", other.id), // someone else's link
        await tampered("sig", "AAAA"),
        await tampered("exp", String(Date.now() - 1000)),
      ]) {
        expect(res.status).toBe(401);
        expect((await res.json()).error.code).toBe("unauthorized");
      }
    });

    test("Content-Length over MAX_UPLOAD_BYTES: 413 before a byte of the body is sent", async () => {
      const user = await register(t.url);
      const raw = await RawHttp.open(t.url);
      // 100 MB declared, nothing sent: the answer cannot be waiting for the body
      raw.head("POST", "/v1/uploads?name=huge.bin", { Authorization: `Bearer ${user.accessToken}`, "Content-Type": "application/octet-stream", "Content-Length": String(100 * MiB) });
      expect(await raw.status()).toBe(413);
      expect(raw.received()).toContain(`"payload_too_large"`);
      raw.destroy();
      // and through fetch, with the body
      expectError(await upload(user, "big.bin", new Uint8Array(MAX + 1)), 413, "payload_too_large");
      expect((await uploaded(user, "just-fits.bin", new Uint8Array(MAX).fill(1))).size).toBe(MAX);
    });

    test("a chunked body that grows past MAX_UPLOAD_BYTES: 413 as soon as it does, and nothing kept", async () => {
      const user = await register(t.url);
      const res = await call(t.url, "POST", "/v1/uploads?name=stream.bin", { token: user.accessToken, raw: chunked(MAX + 256 * KiB), headers: { "Content-Type": "application/octet-stream" } });
      expectError(res, 413, "payload_too_large");
      if (kind === "bun") expect(await eventually(() => storedFiles().every((f) => !f.includes(".tmp")))).toBe(true);
      // a chunked body within the limit is stored (R2: in parts)
      const ok = await call(t.url, "POST", "/v1/uploads?name=stream.bin", { token: user.accessToken, raw: chunked(MAX - 1000, 100_000), headers: { "Content-Type": "application/octet-stream" } });
      expect(ok.status).toBe(201);
      expect(ok.body.size).toBe(MAX - 1000);
      expect(ok.body.sha256).toBe(sha256(new Uint8Array(MAX - 1000).fill(7)));
    });

    test("a client that hangs up mid-upload leaves no file and no record, and frees its place", async () => {
      const user = await register(t.url);
      const before = kind === "bun" ? storedFiles() : [];
      const raw = await RawHttp.open(t.url);
      raw.head("POST", "/v1/uploads?name=half.bin", { Authorization: `Bearer ${user.accessToken}`, "Content-Type": "application/octet-stream", "Content-Length": String(600 * KiB) });
      raw.write(randomBytes(300 * KiB));
      if (kind === "bun") expect(await eventually(() => storedFiles().length === before.length + 1)).toBe(true); // its temp file
      else await Bun.sleep(300);
      raw.destroy();
      if (kind === "bun") expect(await eventually(() => storedFiles().length === before.length)).toBe(true);
      // Its bytes do not count against the quota (only records do): a full quota's worth still fits.
      for (let i = 0; i < 3; i++) expect((await uploaded(user, `after-${i}.bin`, new Uint8Array(MiB).fill(i + 1))).size).toBe(MiB);
    });

    test("at most 4 uploads of a user at once: a 5th gets 429; other users are not held up; places come back", async () => {
      const [user, bystander] = [await register(t.url), await register(t.url)];
      // Five uploads that send a tenth of their body and stall: whichever comes last is refused.
      // (Its answer may wait for its body: on Workers a refused body is read before the answer.)
      const stalled = await Promise.all(
        Array.from({ length: 5 }, async (_, i) => {
          const raw = await RawHttp.open(t.url);
          raw.head("POST", `/v1/uploads?name=slow-${i}.bin`, { Authorization: `Bearer ${user.accessToken}`, "Content-Type": "application/octet-stream", "Content-Length": String(100 * KiB) });
          raw.write(new Uint8Array(10 * KiB));
          return raw;
        }),
      );
      try {
        await Bun.sleep(300);
        expect((await upload(bystander, "other.txt", text("fine"))).status).toBe(201);
        for (const raw of stalled) raw.write(new Uint8Array(90 * KiB));
        const statuses = await Promise.all(stalled.map((raw) => raw.status()));
        expect(statuses.sort()).toEqual([201, 201, 201, 201, 429]);
        expect(stalled.find((raw) => raw.received().startsWith("HTTP/1.1 429"))!.received()).toMatch(/retry-after: 1\r\n[^]*"rate_limited"/i);
        expect((await upload(user, "sixth.txt", text("six"))).status).toBe(201);
      } finally {
        for (const raw of stalled) raw.destroy();
      }
    });

    test("the SDK: api.upload of a Blob or a stream, api.download whole or a range, api.uploadLink; errors as ParleyError", async () => {
      const user = await register(t.url);
      const api = new ParleyHttp(t.url, { auth: { token: async () => user.accessToken, renew: async () => null } });
      const bytes = png(2, 3);
      const fromBlob = await api.upload("tiny.png", new Blob([bytes]), "image/png");
      expect(fromBlob).toMatchObject({ name: "tiny.png", mime: "image/png", width: 2, height: 3, size: bytes.byteLength });
      const fromStream = await api.upload("stream.bin", chunked(200_000));
      expect(fromStream.size).toBe(200_000);
      expect(new Uint8Array(await (await api.download(fromBlob.id)).arrayBuffer())).toEqual(bytes);
      const part = await api.download(fromStream.id, "bytes=0-9");
      expect(part.status).toBe(206);
      expect((await part.arrayBuffer()).byteLength).toBe(10);
      const link = await api.uploadLink(fromBlob.id);
      expect((await fetch(t.url + link.url)).status).toBe(200);
      await expect(api.download("nope")).rejects.toMatchObject({ code: "not_found", status: 404 });
      await expect(api.upload("empty.txt", new Blob([]))).rejects.toMatchObject({ code: "invalid_request", status: 400 });
    });

    test("the daily quota: 429 with Retry-After until the next UTC day once it is used up", async () => {
      const user = await register(t.url);
      for (let i = 0; i < 3; i++) await uploaded(user, `q-${i}.bin`, new Uint8Array(MiB - 10).fill(i + 1));
      const declared = await upload(user, "one-more.bin", new Uint8Array(100));
      expectError(declared, 429, "rate_limited");
      const untilMidnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
      expect(Math.abs(Number(declared.headers.get("retry-after")) - untilMidnight)).toBeLessThan(10);
      // a chunked body is stopped where the quota ends
      const streamed = await call(t.url, "POST", "/v1/uploads?name=s.bin", { token: user.accessToken, raw: chunked(100), headers: { "Content-Type": "application/octet-stream" } });
      expectError(streamed, 429, "rate_limited");
    });
  });
}
