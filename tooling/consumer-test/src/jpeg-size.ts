/**
 * Width and height from a JPEG's start-of-frame segment, or undefined when the bytes are not a
 * JPEG. Lets the test check what sharp wrote without an image library of its own.
 */
export function jpegSize(data: Uint8Array): { width: number; height: number } | undefined {
  if (data[0] !== 0xff || data[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 9 < data.length) {
    if (data[offset] !== 0xff) return undefined;
    const marker = data[offset + 1]!;
    const length = (data[offset + 2]! << 8) | data[offset + 3]!;
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (data[offset + 5]! << 8) | data[offset + 6]!, width: (data[offset + 7]! << 8) | data[offset + 8]! };
    }
    offset += 2 + length;
  }
  return undefined;
}
