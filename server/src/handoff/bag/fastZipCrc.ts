import { createRequire } from 'node:module';
import zlib from 'node:zlib';

/**
 * yazl computes each entry's CRC-32 with buffer-crc32, a byte-at-a-time JavaScript loop (~400 MB/s
 * here), which would be the slowest step of a bag build. Node 20's native zlib.crc32 gives the
 * same value ~10× faster, so the module yazl holds is pointed at it once. Same results: checked
 * by the bag verifier, which recomputes every entry's CRC with zlib.crc32.
 */
let patched = false;

export function useNativeZipCrc(): void {
  if (patched) return;
  const requireFromYazl = createRequire(createRequire(import.meta.url).resolve('yazl'));
  const crc = requireFromYazl('buffer-crc32') as { unsigned: (buf: Buffer, previous?: number) => number };
  crc.unsigned = (buf, previous) => zlib.crc32(buf, previous ?? 0);
  patched = true;
}
