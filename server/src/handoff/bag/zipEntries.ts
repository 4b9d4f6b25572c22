import fs from 'node:fs';
import zlib from 'node:zlib';
import { Readable, Transform } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '@tongban/shared';
import type { HandoffErrorCode } from '@tongban/shared/handoff/errors';
import { isSafeBagPath } from '@tongban/shared/handoff/bagit';

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

function zipError(code: HandoffErrorCode, file: string, zh: string, en: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError(code, { details: { file, ...extra }, zh, en });
}

/** How a problem of the zip as a whole names the file: never by its path here (a temp file the sender must not learn of). */
export const WHOLE_ZIP = 'bag.zip';

/** The zip cannot be read; the reader's reason, with this machine's path of the file taken out. */
function unreadable(file: string, e: unknown): AppError {
  const reason = (e instanceof Error ? e.message : String(e ?? '')).replaceAll(file, WHOLE_ZIP);
  return zipError('BAG_ZIP_UNREADABLE', WHOLE_ZIP, `无法读取转递包：${reason}`, `Cannot read the bag: ${reason}`);
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
      if (err || !zip) reject(unreadable(file, err));
      else resolve(zip);
    });
  });
}

/** The entry's bytes, failing with BAG_ZIP_CORRUPT at the end if their CRC-32 or their length does not match the header. */
function crcChecked(stream: Readable, entry: Entry, name: string): Readable {
  let crc = 0;
  let bytes = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = zlib.crc32(chunk, crc);
      bytes += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      if (crc >>> 0 !== entry.crc32 >>> 0 || bytes !== entry.uncompressedSize)
        done(zipError('BAG_ZIP_CORRUPT', name, `“${name}”已损坏（CRC 不符）`, `Entry "${name}" is corrupt (CRC mismatch)`));
      else done();
    },
  });
  stream.on('error', (e) => check.destroy(e));
  return stream.pipe(check);
}

/**
 * Stored (uncompressed) entries — the scans, most of a bag's bytes — are read straight from the
 * file in 1 MiB reads: yauzl's reader asks for the stream default (16 KiB on Node 20), one
 * thread-pool round trip each, which cost more than hashing the bytes.
 */
const STORED_READ_BYTES = 1024 * 1024;

/** yauzl 3 has this (openReadStream uses it); @types/yauzl does not declare it. */
interface LocalHeaderReader {
  readLocalFileHeader(entry: Entry, options: { minimal: true }, cb: (err: Error | null, header?: { fileDataStart: number }) => void): void;
}

function openStored(zip: ZipFile, file: string, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    (zip as unknown as LocalHeaderReader).readLocalFileHeader(entry, { minimal: true }, (err, header) => {
      if (err || !header) return reject(err ?? new Error('no local file header'));
      if (entry.compressedSize === 0) return resolve(Readable.from([]));
      const start = header.fileDataStart;
      resolve(
        // Its own descriptor per entry (closed at its end): streams sharing one FileHandle each leave a listener on it.
        fs.createReadStream(file, { start, end: start + entry.compressedSize - 1, highWaterMark: STORED_READ_BYTES }),
      );
    }),
  );
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
  await readEntries(file, zip, limits, onEntry);
}

function readEntries(
  file: string,
  zip: ZipFile,
  limits: ZipLimits,
  onEntry: (info: ZipEntryInfo, open: () => Promise<Readable>) => Promise<void>,
): Promise<void> {
  const totals = { entries: 0, bytes: 0 };
  return new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      zip.close();
      reject(e instanceof AppError ? e : unreadable(file, e));
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
      const open = async () => {
        if (entry.compressionMethod === 0 && !entry.isEncrypted()) return crcChecked(await openStored(zip, file, entry), entry, name);
        return new Promise<Readable>((res, rej) =>
          zip.openReadStream(entry, (err, s) => (err || !s ? rej(err ?? new Error('no stream')) : res(crcChecked(s, entry, name)))),
        );
      };
      onEntry({ name, size: entry.uncompressedSize }, open).then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
}
