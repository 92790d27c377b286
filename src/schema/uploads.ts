import { z } from "zod";

// Uploads (PROTOCOL.md "Uploads"): the bytes travel raw (POST /v1/uploads, GET /v1/uploads/:id);
// these are the JSON shapes around them.

export const Upload = z
  .object({
    id: z.string(),
    name: z.string().meta({ description: "the file name as given, made safe (no path, no control characters, at most 255 characters)" }),
    size: z.number().int().meta({ description: "bytes" }),
    mime: z.string().meta({ description: "sniffed from the bytes; application/octet-stream when unknown" }),
    sha256: z.string().meta({ description: "hex SHA-256 of the bytes" }),
    width: z.number().int().optional().meta({ description: "images (PNG, JPEG, GIF, WebP): pixels, as displayed" }),
    height: z.number().int().optional(),
  })
  .meta({ id: "Upload" });
export type Upload = z.infer<typeof Upload>;

export const UploadQuery = z.object({
  name: z.string().min(1).max(1024).meta({ description: "the file name (sanitized; at most 255 characters are kept)" }),
});

export const UploadParams = z.object({ id: z.string().min(1).max(64) });

/** A signed download link (GET /v1/uploads/:id?u=&exp=&sig=), for `<img src>` where no header can be set. */
export const SignedUrl = z
  .object({
    url: z.string().meta({ description: "path and query of the link, relative to the server's origin" }),
    expiresAt: z.number().int(),
  })
  .meta({ id: "SignedUploadUrl" });
export type SignedUrl = z.infer<typeof SignedUrl>;

export const SignedUrlQuery = z.object({
  u: z.string().min(1).max(64).optional().meta({ description: "signed links: the user the link was issued to" }),
  exp: z.string().regex(/^\d{1,16}$/).optional().meta({ description: "signed links: expiry, ms since the epoch" }),
  sig: z.string().min(1).max(128).optional().meta({ description: "signed links: the signature" }),
});
