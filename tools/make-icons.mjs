#!/usr/bin/env node
// Draws the app icons (a duck on a pond) into public/ as PNGs, with node built-ins only: the build must not
// depend on an image tool, and the icons are committed so a fresh checkout builds offline.
// Usage: node tools/make-icons.mjs   (writes public/icon-192.png and public/icon-512.png)
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// The glyph in unit coordinates (0..1), painted back to front; the first shape that contains a point wins.
// Everything important stays inside the central 80 % so the icon also works as a maskable icon.
const inEllipse = (x, y, cx, cy, rx, ry) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
function colour(x, y) {
  if (inEllipse(x, y, 0.415, 0.36, 0.022, 0.022)) return [20, 24, 28]; // eye
  if (inEllipse(x, y, 0.30, 0.40, 0.075, 0.035)) return [240, 140, 30]; // beak
  if (inEllipse(x, y, 0.44, 0.38, 0.11, 0.11)) return [250, 204, 40]; // head
  if (inEllipse(x, y, 0.60, 0.56, 0.07, 0.045) && y < 0.56) return [225, 175, 20]; // wing
  if (inEllipse(x, y, 0.56, 0.58, 0.22, 0.12) && y < 0.64) return [250, 204, 40]; // body, cut by the water line
  const wave = 0.64 + 0.012 * Math.sin(x * 40);
  if (y > wave && y < wave + 0.025 && x > 0.2 && x < 0.82) return [120, 200, 235]; // ripple
  if (y > 0.55) return [11, 110, 153]; // water
  return [220, 240, 250]; // sky
}

function draw(size) {
  const out = Buffer.alloc(size * size * 4);
  const ss = 4; // 4x4 supersampling: smooth edges without an image library
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const [cr, cg, cb] = colour((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
          r += cr; g += cg; b += cb;
        }
      }
      const i = (py * size + px) * 4;
      out[i] = Math.round(r / ss / ss);
      out[i + 1] = Math.round(g / ss / ss);
      out[i + 2] = Math.round(b / ss / ss);
      out[i + 3] = 255; // opaque: maskable icons must fill the whole square
    }
  }
  return png(size, out);
}

mkdirSync('public', { recursive: true });
for (const size of [192, 512]) {
  writeFileSync(`public/icon-${size}.png`, draw(size));
  console.log(`public/icon-${size}.png`);
}
