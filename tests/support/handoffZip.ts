import fs from 'node:fs';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';

/** Test tools that rewrite a bag zip the way a tamperer would: valid zip, altered contents. */

export async function readZip(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, s) => {
          if (e || !s) return reject(e);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
  return out;
}

export async function writeZip(
  file: string,
  entries: Map<string, Buffer>,
  opts: { mode?: (name: string) => number | undefined } = {},
): Promise<void> {
  const zip = new ZipFile();
  for (const [name, buf] of entries) zip.addBuffer(buf, name, { compress: !name.includes('/data/materials/'), mode: opts.mode?.(name) });
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(fs.createWriteStream(file)).on('finish', resolve).on('error', reject);
  });
}

/** Copies a bag, letting `edit` change the entries (return the new map). */
export async function rewriteZip(
  src: string,
  dest: string,
  edit: (entries: Map<string, Buffer>) => Map<string, Buffer> | void,
): Promise<void> {
  const entries = await readZip(src);
  await writeZip(dest, edit(entries) ?? entries);
}

/** Replaces bytes in the raw zip file (names in local and central headers), same length. */
export function patchBytes(file: string, from: string, to: string): void {
  if (from.length !== to.length) throw new Error('same length only');
  const buf = fs.readFileSync(file);
  let i = buf.indexOf(from);
  let n = 0;
  while (i >= 0) {
    buf.write(to, i);
    n++;
    i = buf.indexOf(from, i + 1);
  }
  if (!n) throw new Error(`${from} not found`);
  fs.writeFileSync(file, buf);
}
