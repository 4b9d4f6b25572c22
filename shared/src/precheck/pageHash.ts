/**
 * Perceptual page hash (dHash): compare each pixel of a 9×8 grayscale thumbnail with its right
 * neighbour. Near-identical scans (same page scanned twice, re-compressed, slightly shifted) differ
 * in a few bits only. The caller downscales; this stays pure.
 */
export const DHASH_WIDTH = 9;
export const DHASH_HEIGHT = 8;

export function dHash(gray9x8: ArrayLike<number>): string {
  if (gray9x8.length !== DHASH_WIDTH * DHASH_HEIGHT) throw new Error(`dHash needs ${DHASH_WIDTH * DHASH_HEIGHT} pixels`);
  let hex = '';
  for (let y = 0; y < DHASH_HEIGHT; y++) {
    let byte = 0;
    for (let x = 0; x < 8; x++) {
      const i = y * DHASH_WIDTH + x;
      byte = (byte << 1) | (gray9x8[i]! > gray9x8[i + 1]! ? 1 : 0);
    }
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

export function hammingDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i += 2) {
    let x = parseInt(a.slice(i, i + 2), 16) ^ parseInt(b.slice(i, i + 2), 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}
