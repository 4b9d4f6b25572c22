import zlib from 'node:zlib';
import { Transform, type Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '@tongban/shared';
import { isSafeBagPath } from '@tongban/shared/handoff/bagit';
import '@tongban/shared/handoff/errors';

/**
 * Reads a zip entry by entry, refusing what could hurt the machine before any byte is used:
 * paths escaping the folder, absolute paths, symlinks, too many entries, and zip bombs (declared
 * or actual size over the cap, or an implausible compression ratio). yauzl checks each entry's
 * actual size against its header; the CRC-32 is checked here.
 */

export interface ZipLimits {
  maxEntries: number;
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio accepted for entries over 1 MiB. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxTotalBytes: 4 * 1024 ** 3, maxRatio: 100 };

export interface ZipEntryInfo {
  /** Path inside the zip, `/`-separated. */
  name: string;
  size: number;
}

function zipError(code: string, file: string, zh: string, en: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError(code, { details: { file, ...extra }, zh, en });
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function checkEntry(entry: Entry, name: string, limits: ZipLimits, totals: { entries: number; bytes: number }): void {
  totals.entries++;
  if (totals.entries > limits.maxEntries) {
    throw zipError(
      'BAG_ZIP_TOO_LARGE',
      name,
      `转递包文件数超过上限 ${limits.maxEntries}`,
      `The bag has more than ${limits.maxEntries} entries`,
      { limit: limits.maxEntries },
    );
  }
  const bare = name.endsWith('/') ? name.slice(0, -1) : name;
  if (!isSafeBagPath(bare)) {
    throw zipError(
      'BAG_ZIP_UNSAFE_PATH',
      name,
      `转递包中的路径“${name}”越出包目录或为绝对路径，已拒收`,
      `Entry "${name}" escapes the bag or is absolute; refused`,
    );
  }
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
    throw zipError('BAG_ZIP_SYMLINK', name, `转递包中的“${name}”是符号链接，已拒收`, `Entry "${name}" is a symbolic link; refused`);
  }
  totals.bytes += entry.uncompressedSize;
  if (totals.bytes > limits.maxTotalBytes) {
    throw zipError(
      'BAG_ZIP_TOO_LARGE',
      name,
      `转递包解压后超过 ${limits.maxTotalBytes} 字节上限`,
      `The bag expands past the ${limits.maxTotalBytes}-byte cap`,
      { limit: limits.maxTotalBytes },
    );
  }
  if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize > limits.maxRatio * Math.max(entry.compressedSize, 1)) {
    throw zipError(
      'BAG_ZIP_TOO_LARGE',
      name,
      `“${name}”压缩比异常（疑似压缩炸弹），已拒收`,
      `Entry "${name}" has an implausible compression ratio (zip bomb suspected); refused`,
      {
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
      },
    );
  }
}

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true }, (err, zip) => {
      if (err || !zip)
        reject(zipError('BAG_ZIP_UNREADABLE', file, `无法读取转递包：${err?.message ?? ''}`, `Cannot read the bag: ${err?.message ?? ''}`));
      else resolve(zip);
    });
  });
}

/** The entry's bytes, failing with BAG_ZIP_CORRUPT at the end if their CRC-32 does not match the header. */
function crcChecked(stream: Readable, entry: Entry, name: string): Readable {
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = zlib.crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      if (crc >>> 0 !== entry.crc32 >>> 0)
        done(zipError('BAG_ZIP_CORRUPT', name, `“${name}”已损坏（CRC 不符）`, `Entry "${name}" is corrupt (CRC mismatch)`));
      else done();
    },
  });
  stream.on('error', (e) => check.destroy(e));
  return stream.pipe(check);
}

/**
 * Calls `onEntry` for each file entry in zip order (directories are checked, not passed). The
 * handler must consume or ignore the stream from `open()` before its promise settles.
 */
export async function forEachZipEntry(
  file: string,
  limits: ZipLimits,
  onEntry: (info: ZipEntryInfo, open: () => Promise<Readable>) => Promise<void>,
): Promise<void> {
  const zip = await openZip(file);
  const totals = { entries: 0, bytes: 0 };
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      zip.close();
      reject(
        e instanceof AppError
          ? e
          : zipError('BAG_ZIP_UNREADABLE', file, `无法读取转递包：${(e as Error).message}`, `Cannot read the bag: ${(e as Error).message}`),
      );
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      const name = (entry.fileName as unknown as Buffer).toString('utf8');
      try {
        checkEntry(entry, name, limits, totals);
      } catch (e) {
        fail(e);
        return;
      }
      if (name.endsWith('/')) {
        zip.readEntry();
        return;
      }
      const open = () =>
        new Promise<Readable>((res, rej) =>
          zip.openReadStream(entry, (err, s) => (err || !s ? rej(err ?? new Error('no stream')) : res(crcChecked(s, entry, name)))),
        );
      onEntry({ name, size: entry.uncompressedSize }, open).then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
}
