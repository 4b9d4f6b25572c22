import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { createBagStream, type PayloadFile } from '@tongban/server/handoff/bag/bagWriter';
import { verifyBag, type BagReport } from '@tongban/server/handoff/bag/bagVerifier';
import { SiteKeyring, type TrustedKey } from '@tongban/server/handoff/siteKeys';
import { hashAuditEvent, GENESIS_HASH, type AuditEvent } from '@tongban/server/audit/AuditLedger';
import { parseManifest, parseTagFile, tagValue } from '@tongban/shared/handoff/bagit';
import { patchBytes, readZip, rewriteZip } from '../support/handoffZip';

let dir: string;
let good: string;
let trusted: TrustedKey[];
const ROOT = 'GD-SG-20250101-0001';

function auditEvents(): string {
  const events: AuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (const [seq, action] of [
    [3, 'case.created'],
    [7, 'case.accept'],
  ] as const) {
    const base = {
      seq,
      at: '2025-01-01T08:00:00.000Z',
      actor_id: 'u1',
      actor_name: 'clerk',
      actor_role: 'clerk',
      office_id: 'gd-sg-window',
      case_id: 'c1',
      action,
      details: { n: seq },
      prev_hash: prev,
    };
    const e = { ...base, hash: hashAuditEvent(base) };
    events.push(e);
    prev = e.hash;
  }
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

async function buildBag(file: string, keys: SiteKeyring, payload?: PayloadFile[]): Promise<string> {
  const scan = Buffer.alloc(300_000);
  for (let i = 0; i < scan.length; i++) scan[i] = (i * 7919) & 0xff;
  const files: PayloadFile[] = payload ?? [
    { path: 'case.json', content: Buffer.from(JSON.stringify({ caseNo: ROOT, applicant: { name: '张三' } })) },
    { path: 'materials/01-ID_CARD.jpg', size: scan.length, open: () => Readable.from([scan.subarray(0, 1000), scan.subarray(1000)]) },
    { path: 'materials/名 单 100%.pdf', content: Buffer.from('%PDF-1.4 fake') },
    { path: 'audit/events.jsonl', content: Buffer.from(auditEvents()) },
  ];
  const { stream, summary } = createBagStream({
    root: ROOT,
    info: [
      ['Source-Organization', '韶关市政务服务中心'],
      ['External-Identifier', ROOT],
      ['Bagging-Date', '2025-01-01'],
      ['Bag-Count', '1 of 1'],
    ],
    payload: files,
    signer: keys.signingKey(),
    mtime: new Date('2025-01-01T00:00:00Z'),
  });
  await Promise.all([pipeline(stream, fs.createWriteStream(file)), summary]);
  return (await summary).tagmanifestSha256;
}

const codes = (r: BagReport) => r.problems.map((p) => p.code);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bag-'));
  const keys = new SiteKeyring(path.join(dir, 'keys'), 'gd', undefined);
  trusted = [{ ...keys.signingKey(), site: 'gd' }];
  good = path.join(dir, 'good.zip');
  await buildBag(good, keys);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('bag writer', () => {
  it('writes a BagIt 1.0 layout under one top-level folder with both manifests and a signature', async () => {
    const entries = await readZip(good);
    const names = [...entries.keys()];
    expect(names.every((n) => n.startsWith(`${ROOT}/`))).toBe(true);
    expect(names.map((n) => n.slice(ROOT.length + 1)).sort()).toEqual(
      [
        'bag-info.txt',
        'bagit.txt',
        'data/audit/events.jsonl',
        'data/case.json',
        'data/materials/01-ID_CARD.jpg',
        'data/materials/名 单 100%.pdf',
        'manifest-sha256.txt',
        'manifest-sha512.txt',
        'signature-ed25519.txt',
        'tagmanifest-sha256.txt',
        'tagmanifest-sha512.txt',
      ].sort(),
    );
    expect(entries.get(`${ROOT}/bagit.txt`)!.toString()).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    const manifest = entries.get(`${ROOT}/manifest-sha256.txt`)!.toString();
    expect(manifest).not.toContain('\r');
    // % in a path is percent-encoded; the space is not.
    expect(manifest).toContain('  data/materials/名 单 100%25.pdf\n');
    const parsed = parseManifest(manifest, 'manifest-sha256.txt', 'sha256');
    const scan = entries.get(`${ROOT}/data/materials/01-ID_CARD.jpg`)!;
    expect(parsed.get('data/materials/01-ID_CARD.jpg')).toBe(createHash('sha256').update(scan).digest('hex'));
    const info = parseTagFile(entries.get(`${ROOT}/bag-info.txt`)!.toString(), 'bag-info.txt');
    const octets = [...entries].filter(([n]) => n.startsWith(`${ROOT}/data/`)).reduce((s, [, b]) => s + b.length, 0);
    expect(tagValue(info, 'Payload-Oxum')).toBe(`${octets}.4`);
    expect(tagValue(info, 'Signer-Key-Fingerprint')).toBe(trusted[0]!.fingerprint);
    const tagm = entries.get(`${ROOT}/tagmanifest-sha256.txt`)!.toString();
    expect(tagm).toContain(' bag-info.txt\n');
    expect(tagm).not.toContain('signature-ed25519.txt');
    expect(tagm).not.toContain('tagmanifest-');
  });

  it('verifies its own bag: complete, every checksum, Oxum, trusted signature, audit hashes', async () => {
    const r = await verifyBag(good, { trusted });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.root).toBe(ROOT);
    expect(r.signer).toMatchObject({ fingerprint: trusted[0]!.fingerprint, site: 'gd', trusted: true });
    expect(r.auditEvents).toBe(2);
    expect(r.caseJson).toMatchObject({ caseNo: ROOT });
  });
});

describe('bag verifier refuses', () => {
  const variant = async (name: string, edit: (e: Map<string, Buffer>) => void) => {
    const file = path.join(dir, `${name}.zip`);
    await rewriteZip(good, file, edit);
    return verifyBag(file, { trusted });
  };

  it('a tampered payload file, naming it', async () => {
    const r = await variant('tampered', (e) => {
      const k = `${ROOT}/data/materials/01-ID_CARD.jpg`;
      const b = Buffer.from(e.get(k)!);
      b[100] = b[100]! ^ 0xff;
      e.set(k, b);
    });
    expect(codes(r)).toContain('BAG_CHECKSUM_MISMATCH');
    expect(r.problems.filter((p) => p.code === 'BAG_CHECKSUM_MISMATCH').map((p) => p.file)).toEqual([
      'data/materials/01-ID_CARD.jpg',
      'data/materials/01-ID_CARD.jpg',
    ]);
  });

  it('a missing payload file', async () => {
    const r = await variant('missing', (e) => void e.delete(`${ROOT}/data/case.json`));
    expect(r.problems.find((p) => p.code === 'BAG_FILE_MISSING')?.file).toBe('data/case.json');
    expect(codes(r)).toContain('BAG_OXUM_MISMATCH');
  });

  it('an extra payload file', async () => {
    const r = await variant('extra', (e) => void e.set(`${ROOT}/data/materials/extra.jpg`, Buffer.from('smuggled')));
    expect(r.problems.find((p) => p.code === 'BAG_FILE_UNEXPECTED')?.file).toBe('data/materials/extra.jpg');
  });

  it('a wrong Payload-Oxum (and the altered bag-info.txt fails its tag manifest)', async () => {
    const r = await variant('oxum', (e) => {
      const k = `${ROOT}/bag-info.txt`;
      e.set(
        k,
        Buffer.from(
          e
            .get(k)!
            .toString()
            .replace(/Payload-Oxum: \d+\.4/, 'Payload-Oxum: 12.4'),
        ),
      );
    });
    expect(r.problems.find((p) => p.code === 'BAG_OXUM_MISMATCH')).toMatchObject({ file: 'bag-info.txt', details: { declared: '12.4' } });
    expect(r.problems.find((p) => p.code === 'BAG_CHECKSUM_MISMATCH')?.file).toBe('bag-info.txt');
  });

  it('a bad signature, a missing signature, and an untrusted signer', async () => {
    const bad = await variant('badsig', (e) => {
      const k = `${ROOT}/signature-ed25519.txt`;
      e.set(
        k,
        Buffer.from(
          e
            .get(k)!
            .toString()
            .replace(/Signature: (.)/, (_m, c: string) => `Signature: ${c === 'A' ? 'B' : 'A'}`),
        ),
      );
    });
    expect(bad.problems.map((p) => [p.code, p.file])).toEqual([['BAG_SIGNATURE_INVALID', 'signature-ed25519.txt']]);
    const unsigned = await variant('unsigned', (e) => void e.delete(`${ROOT}/signature-ed25519.txt`));
    expect(codes(unsigned)).toEqual(['BAG_SIGNATURE_MISSING']);
    const stranger = await verifyBag(good, { trusted: [] });
    expect(codes(stranger)).toEqual(['BAG_SIGNER_UNTRUSTED']);
    // Re-signing a re-manifested bag with another key is caught by trust, not by checksums.
    const other = new SiteKeyring(path.join(dir, 'other-keys'), 'xx', undefined);
    const forged = path.join(dir, 'forged.zip');
    await buildBag(forged, other);
    expect(codes(await verifyBag(forged, { trusted }))).toEqual(['BAG_SIGNER_UNTRUSTED']);
  });

  it('an edited audit event inside the bag', async () => {
    const r = await variant('audit', (e) => {
      const k = `${ROOT}/data/audit/events.jsonl`;
      e.set(k, Buffer.from(e.get(k)!.toString().replace('"n":7', '"n":8')));
    });
    expect(r.problems.find((p) => p.code === 'BAG_AUDIT_CHAIN_BROKEN')).toMatchObject({
      file: 'data/audit/events.jsonl',
      details: { seq: 7 },
    });
  });

  it('a path traversal entry, before reading anything else', async () => {
    const file = path.join(dir, 'traversal.zip');
    await rewriteZip(good, file, (e) => void e.set(`${ROOT}/data/xx/evil.txt`, Buffer.from('x')));
    patchBytes(file, `${ROOT}/data/xx/evil.txt`, `${ROOT}/data/../../evil.txt`.slice(0, `${ROOT}/data/xx/evil.txt`.length));
    const r = await verifyBag(file, { trusted });
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.code).toBe('BAG_ZIP_UNSAFE_PATH');
    expect(r.problems[0]!.file).toContain('..');
  });

  it('an absolute path and a symlink entry', async () => {
    const abs = path.join(dir, 'abs.zip');
    await rewriteZip(good, abs, (e) => void e.set('xetc/passwd', Buffer.from('x')));
    patchBytes(abs, 'xetc/passwd', '/etc/passwd');
    expect((await verifyBag(abs, { trusted })).problems[0]).toMatchObject({ code: 'BAG_ZIP_UNSAFE_PATH', file: '/etc/passwd' });

    const link = path.join(dir, 'link.zip');
    const zip = new ZipFile();
    zip.addBuffer(Buffer.from('/etc/passwd'), `${ROOT}/data/link`, { mode: 0o120777 });
    zip.end();
    await pipeline(zip.outputStream, fs.createWriteStream(link));
    expect((await verifyBag(link, { trusted })).problems[0]).toMatchObject({ code: 'BAG_ZIP_SYMLINK', file: `${ROOT}/data/link` });
  });

  it('a zip bomb: implausible ratio, and total size over the cap', async () => {
    const bomb = path.join(dir, 'bomb.zip');
    const zip = new ZipFile();
    zip.addBuffer(Buffer.alloc(64 * 1024 * 1024), `${ROOT}/data/zeros.bin`, { compress: true });
    zip.end();
    await pipeline(zip.outputStream, fs.createWriteStream(bomb));
    expect(fs.statSync(bomb).size).toBeLessThan(1024 * 1024);
    expect((await verifyBag(bomb, { trusted })).problems[0]).toMatchObject({ code: 'BAG_ZIP_TOO_LARGE', file: `${ROOT}/data/zeros.bin` });
    expect((await verifyBag(good, { trusted, limits: { maxTotalBytes: 100_000 } })).problems[0]!.code).toBe('BAG_ZIP_TOO_LARGE');
    expect((await verifyBag(good, { trusted, limits: { maxEntries: 3 } })).problems[0]!.code).toBe('BAG_ZIP_TOO_LARGE');
  });

  it('bit rot in a stored entry (CRC-32)', async () => {
    const file = path.join(dir, 'crc.zip');
    fs.copyFileSync(good, file);
    const buf = fs.readFileSync(file);
    const entries = await readZip(good);
    const scan = entries.get(`${ROOT}/data/materials/01-ID_CARD.jpg`)!;
    const at = buf.indexOf(scan.subarray(5000, 5064));
    buf[at] = buf[at]! ^ 0x01;
    fs.writeFileSync(file, buf);
    expect((await verifyBag(file, { trusted })).problems[0]).toMatchObject({
      code: 'BAG_ZIP_CORRUPT',
      file: `${ROOT}/data/materials/01-ID_CARD.jpg`,
    });
  });

  it('a second top-level folder', async () => {
    const r = await variant('tworoots', (e) => void e.set('other/data/x.txt', Buffer.from('x')));
    expect(r.problems[0]).toMatchObject({ code: 'BAG_LAYOUT_INVALID', file: 'other/data/x.txt' });
  });

  it('a non-zip file', async () => {
    const file = path.join(dir, 'not.zip');
    fs.writeFileSync(file, 'hello');
    expect((await verifyBag(file, { trusted })).problems[0]!.code).toBe('BAG_ZIP_UNREADABLE');
  });
});
