// What an upload is, judged from its bytes, never from what the client says: the type from the
// magic numbers at its start (file-type), the size of images from their headers (image-size);
// and its name, made safe to store and to hand back in a Content-Disposition.
import { fileTypeFromBuffer } from "file-type/core";
import { imageSize } from "image-size";

/** How many bytes of the start of an upload are kept to judge it: JPEG's size comes after EXIF. */
export const HEAD_BYTES = 256 * 1024;

export const UNKNOWN_TYPE = "application/octet-stream";

/**
 * The image types a browser may show inline. Never SVG (it runs script), and nothing the bytes
 * did not prove: a `.png` that is an HTML page is sniffed as nothing and stays octet-stream.
 */
const INLINE_IMAGES = new Set(["image/png", "image/apng", "image/jpeg", "image/gif", "image/webp"]);
export const isInlineImage = (mime: string) => INLINE_IMAGES.has(mime);

export interface Content {
  mime: string;
  width?: number;
  height?: number;
}

/** The type of the bytes starting with `head`, and for images their width and height. */
export async function sniff(head: Uint8Array): Promise<Content> {
  const mime = (await fileTypeFromBuffer(head))?.mime ?? UNKNOWN_TYPE;
  if (!isInlineImage(mime)) return { mime };
  try {
    const { width, height, orientation } = imageSize(head);
    // EXIF orientations 5-8 turn the picture a quarter: report the size as displayed.
    const turned = orientation !== undefined && orientation >= 5;
    return turned ? { mime, width: height, height: width } : { mime, width, height };
  } catch {
    return { mime }; // a header cut short or too deep in the file: no size, still an image
  }
}

// Control characters (C0, DEL, C1) and the bidirectional controls that make "evil‮gpj.exe"
// read as "evilexe.jpg".
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const MAX_NAME_CHARS = 255;

/**
 * The file name to keep: its last path segment (no directories from either kind of separator),
 * without unsafe characters, at most MAX_NAME_CHARS code points (cut before the extension).
 * null when nothing usable is left.
 */
export function safeName(raw: string): string | null {
  const name = (raw.normalize("NFC").split(/[\\/]/).at(-1) ?? "").replace(UNSAFE, "").trim();
  if (name === "" || /^\.+$/.test(name)) return null;
  const chars = [...name];
  if (chars.length <= MAX_NAME_CHARS) return name;
  const extension = [.../\.[^.]{1,16}$/.exec(name)?.[0] ?? ""];
  return chars.slice(0, MAX_NAME_CHARS - extension.length).join("").trimEnd() + extension.join("");
}
