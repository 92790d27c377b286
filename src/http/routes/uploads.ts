// /v1/uploads (PROTOCOL.md "Uploads"): raw bytes in, stored as they stream; raw bytes out, with
// Range, to whoever may read them; signed links for `<img src>`.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError, invalid } from "../../core/errors.ts";
import type { UploadRecord } from "../../core/store/uploads.ts";
import type { OpenedUpload } from "../../core/uploads.ts";
import { SignedUrl, SignedUrlQuery, Upload, UploadParams, UploadQuery } from "../../schema/uploads.ts";
import { requireAuth } from "../auth.ts";
import { downloadHeaders, requestedRange } from "../download.ts";
import type { AppEnv } from "../env.ts";
import { errorResponse } from "../errors.ts";
import { bearer, errorResponses, jsonResponse } from "../openapi.ts";

const Bytes = z.string().meta({ format: "binary" });

const upload = createRoute({
  method: "post",
  path: "/v1/uploads",
  tags: ["uploads"],
  description:
    "The raw bytes of one file as the body (any Content-Type: the type is sniffed from the bytes), streamed to storage. " +
    "Over MAX_UPLOAD_BYTES: 413, from the Content-Length before anything is read, or as soon as a chunked body passes it.",
  security: bearer,
  middleware: requireAuth,
  request: { query: UploadQuery, body: { required: true, content: { "*/*": { schema: Bytes } } } },
  responses: { 201: jsonResponse(Upload, "stored"), ...errorResponses(400, 401, 413, 429) },
});

// A signed link carries its own proof; anything else needs the bearer token.
const bearerUnlessSigned = createMiddleware<AppEnv>((c, next) => (c.req.query("sig") === undefined ? requireAuth(c, next) : next()));

const download = createRoute({
  method: "get",
  path: "/v1/uploads/{id}",
  tags: ["uploads"],
  description:
    "The bytes, to the uploader and to whoever may read an entry referring to the upload (or with a signed link's `u`, `exp`, `sig`). " +
    "Supports a single `Range`. Images are inline, everything else an attachment; never executable in this origin.",
  security: [...bearer, {}],
  middleware: bearerUnlessSigned,
  request: { params: UploadParams, query: SignedUrlQuery },
  responses: {
    200: { description: "the bytes", content: { "*/*": { schema: Bytes } } },
    206: { description: "the range asked for", content: { "*/*": { schema: Bytes } } },
    416: { description: "range_not_satisfiable (Content-Range: bytes */size)" },
    ...errorResponses(401, 404),
  },
});

const link = createRoute({
  method: "post",
  path: "/v1/uploads/{id}/url",
  tags: ["uploads"],
  description: "A signed download link for `<img src>` and the like, valid for an hour, while the caller may read the upload.",
  security: bearer,
  middleware: requireAuth,
  request: { params: UploadParams },
  responses: { 200: jsonResponse(SignedUrl, "the link"), ...errorResponses(401, 404) },
});

const uploadsOf = (c: Context<AppEnv>) => {
  const uploads = c.get("services").uploads;
  if (!uploads) throw new AppError("not_implemented", "uploads are not configured on this server");
  return uploads;
};

/** The record as the contract shows it: no owner, no time. */
const shown = ({ id, name, size, mime, sha256, width, height }: UploadRecord): Upload => ({ id, name, size, mime, sha256, width, height });

function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (!/^\d{1,15}$/.test(header)) throw invalid("request failed validation", [{ field: "Content-Length", message: "not a length" }]);
  return Number(header);
}

async function send(c: Context<AppEnv>, { upload, read }: OpenedUpload) {
  const range = requestedRange(c.req.header("Range"), upload.size);
  if (range === "unsatisfiable") {
    c.header("Content-Range", `bytes */${upload.size}`);
    return errorResponse(c, new AppError("range_not_satisfiable", `the file has ${upload.size} bytes`));
  }
  return c.body(await read(range), range ? 206 : 200, downloadHeaders(upload, range));
}

export const uploadRoutes = new OpenAPIHono<AppEnv>()
  .openapi(upload, async (c) => {
    const uploads = uploadsOf(c);
    const size = declaredLength(c.req.header("Content-Length"));
    const body = c.req.raw.body;
    if (!body) throw invalid("the upload is empty");
    return c.json(shown(await uploads.create(c.get("auth").userId, c.req.valid("query").name, body, size)), 201);
  })
  .openapi(download, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const opened = query.sig === undefined ? await uploadsOf(c).open(c.get("auth").userId, id) : await uploadsOf(c).openLink(id, query);
    return send(c, opened) as never; // raw bytes: no JSON schema for the typed responses to check
  })
  .openapi(link, async (c) => c.json(await uploadsOf(c).link(c.get("auth").userId, c.req.valid("param").id), 200));
