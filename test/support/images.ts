// The first bytes of real image formats, made by hand: what a sniffer and a header parser see.

const u16be = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u16le = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
/** `bytes`, then `padding` bytes of filler: images are rarely only a header */
const image = (bytes: number[], padding = 1000) => new Uint8Array([...bytes, ...new Array(padding).fill(0)]);

export const png = (width: number, height: number) =>
  image([0x89, ...ascii("PNG\r\n\x1a\n"), ...u32be(13), ...ascii("IHDR"), ...u32be(width), ...u32be(height), 8, 6, 0, 0, 0, 0, 0, 0, 0]);

export const gif = (width: number, height: number) => image([...ascii("GIF89a"), ...u16le(width), ...u16le(height), 0, 0, 0]);

export const webp = (width: number, height: number) =>
  image([...ascii("RIFF"), ...u32le(1000 + 22), ...ascii("WEBPVP8X"), ...u32le(10), 0, 0, 0, 0, ...u24le(width - 1), ...u24le(height - 1)]);

/** A baseline JPEG header; `orientation` adds an EXIF block with that orientation first. */
export function jpeg(width: number, height: number, orientation?: number): Uint8Array<ArrayBuffer> {
  const exif =
    orientation === undefined
      ? []
      : (() => {
          // TIFF, big-endian, one IFD with one entry: 0x0112 (Orientation), SHORT, 1, value
          const tiff = [...ascii("MM"), ...u16be(42), ...u32be(8), ...u16be(1), ...u16be(0x0112), ...u16be(3), ...u32be(1), ...u16be(orientation), 0, 0, ...u32be(0)];
          const body = [...ascii("Exif\0\0"), ...tiff];
          return [0xff, 0xe1, ...u16be(body.length + 2), ...body];
        })();
  const jfif = [0xff, 0xe0, ...u16be(16), ...ascii("JFIF\0"), 1, 1, 0, ...u16be(1), ...u16be(1), 0, 0];
  const sof = [0xff, 0xc0, ...u16be(17), 8, ...u16be(height), ...u16be(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return image([0xff, 0xd8, ...jfif, ...exif, ...sof]);
}
