import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@tongban/server/config/config';
import { createBagStream } from '@tongban/server/handoff/bag/bagWriter';
import { SiteKeyring } from '@tongban/server/handoff/siteKeys';
import { TEST_PASSWORD } from '../support/testServer';

/**
 * RFC 8493 (BagIt 1.0) conformance of our handoff bags, judged only by tools that are not ours:
 * Info-ZIP `unzip` extracts, coreutils `sha256sum`/`sha512sum` check the manifests, `find` counts
 * the payload, OpenSSL verifies the detached Ed25519 signature. The rules are read from the RFC,
 * not from our verifier. (No maintained BagIt validator installs offline here.)
 *
 * Bag 1 is what the CLI hands off for a real demo case (OCR pre-check, co-review evidence).
 * Bag 2 comes from the same writer with payload names real scans could carry — spaces, Chinese,
 * a percent sign — so the manifests' path encoding (§2.1.3) is exercised too.
 */

const run = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'server', 'bin', 'tongban.mjs');
const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
const SIGNATURE_FILE = 'signature-ed25519.txt';
/** SubjectPublicKeyInfo DER header of an Ed25519 key (RFC 8410); the 32 raw key bytes follow. */
const ED25519_SPKI_PREFIX = '302a300506032b6570032100';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bag-conformance-'));
const dataDir = path.join(tmp, 'site');

async function tongban(...args: string[]): Promise<string[]> {
  const r = await run(process.execPath, [CLI, ...args, '--data', dataDir], {
    env: { ...process.env, DEMO_PASSWORD: TEST_PASSWORD, LOG_LEVEL: 'silent', OCR_WORKERS: '1' },
  });
  return r.stdout.trimEnd().split('\n');
}

/** Runs a tool; resolves with its exit code and output instead of throwing. */
function tool(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, out }));
    p.stdin?.end(opts.input);
  });
}

/** Extracts with Info-ZIP unzip; returns the bag's base directory (asserting it is the only top-level entry). */
async function unzipBag(zip: string): Promise<string> {
  const into = fs.mkdtempSync(path.join(tmp, 'x-'));
  const r = await tool('unzip', ['-q', zip, '-d', into]);
  expect(r.code, r.out).toBe(0);
  const top = fs.readdirSync(into);
  expect(top, 'exactly one top-level directory').toHaveLength(1);
  const base = path.join(into, top[0]!);
  expect(fs.statSync(base).isDirectory()).toBe(true);
  return base;
}

/** Files under `dir` (relative, `/`-separated) as `find` lists them. */
async function findFiles(bag: string, ...args: string[]): Promise<string[]> {
  const r = await tool('find', [...args, '-type', 'f', '-print0'], { cwd: bag });
  expect(r.code, r.out).toBe(0);
  return r.out
    .split('\0')
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, ''))
    .sort();
}

/** RFC 8493 §2.1.3: in manifest paths exactly CR, LF and % are percent-encoded. */
const decodePath = (p: string) => p.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');

/** `checksum␠␠path` lines (two spaces, as coreutils write them too): relative, forward slashes, only %25/%0D/%0A escapes. */
function manifestLines(bag: string, file: string, hexLength: number): Array<{ digest: string; path: string; raw: string }> {
  const text = fs.readFileSync(path.join(bag, file), 'utf8');
  expect(text.endsWith('\n'), `${file} ends with a line end`).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const m = new RegExp(`^([0-9a-f]{${hexLength}})  (.+)$`).exec(line);
      expect(m, `${file}: ${JSON.stringify(line)}`).not.toBeNull();
      const raw = m![2]!;
      expect(raw, `${file}: relative path`).not.toMatch(/^\/|^[A-Za-z]:/);
      expect(raw, `${file}: forward slashes only`).not.toContain('\\');
      expect(raw, `${file}: no raw CR or LF`).not.toMatch(/[\r\n]/);
      expect(raw.replace(/%(25|0D|0A)/gi, ''), `${file}: a bare % must be written %25`).not.toContain('%');
      return { digest: m![1]!, path: decodePath(raw), raw };
    });
}

/** `sha256sum -c` (or sha512sum) in the bag's directory, on the manifest's decoded lines. */
async function checksumsHold(bag: string, file: string, hashTool: 'sha256sum' | 'sha512sum', hexLength: number): Promise<void> {
  const decoded = manifestLines(bag, file, hexLength)
    .map((l) => `${l.digest}  ${l.path}\n`)
    .join('');
  const r = await tool(hashTool, ['--check', '--strict', '-'], { cwd: bag, input: decoded });
  expect(r.code, `${hashTool} -c ${file}\n${r.out}`).toBe(0);
}

/** The bag-level rules of RFC 8493 §2, for any extracted bag. Returns the payload file list. */
async function expectConformingBag(bag: string): Promise<string[]> {
  // §2.1.1 bagit.txt, byte for byte.
  expect(fs.readFileSync(path.join(bag, 'bagit.txt'), 'utf8')).toBe(BAGIT_TXT);

  // §2.1.3 payload manifests: checksums hold, and complete both ways (every file listed, every line a file).
  const payload = await findFiles(bag, 'data');
  expect(payload.length).toBeGreaterThan(0);
  const tagFiles = (await findFiles(bag, '.', '-path', './data', '-prune', '-o')).filter((f) => !f.startsWith('data/'));
  const manifests = tagFiles.filter((f) => /^manifest-[a-z0-9]+\.txt$/.test(f));
  expect(manifests.sort()).toEqual(['manifest-sha256.txt', 'manifest-sha512.txt']);
  for (const [file, hashTool, hex] of [
    ['manifest-sha256.txt', 'sha256sum', 64],
    ['manifest-sha512.txt', 'sha512sum', 128],
  ] as const) {
    const listed = manifestLines(bag, file, hex).map((l) => l.path);
    expect(new Set(listed).size, `${file}: no path twice`).toBe(listed.length);
    expect([...listed].sort(), `${file} lists exactly the files under data/`).toEqual(payload);
    await checksumsHold(bag, file, hashTool, hex);
  }

  // §2.2.1 tag manifests: every payload manifest (MUST) and every other tag file, except tag manifests
  // themselves and the detached signature of tagmanifest-sha256.txt (it cannot be listed in what it signs).
  for (const [file, hashTool, hex] of [
    ['tagmanifest-sha256.txt', 'sha256sum', 64],
    ['tagmanifest-sha512.txt', 'sha512sum', 128],
  ] as const) {
    const listed = manifestLines(bag, file, hex)
      .map((l) => l.path)
      .sort();
    expect(listed, file).toEqual(tagFiles.filter((f) => !f.startsWith('tagmanifest-') && f !== SIGNATURE_FILE).sort());
    expect(listed).toEqual(expect.arrayContaining(manifests));
    await checksumsHold(bag, file, hashTool, hex);
  }

  // §2.2.2 bag-info.txt: UTF-8 without BOM, `Label: value` lines, continuation lines start with whitespace.
  const infoBytes = fs.readFileSync(path.join(bag, 'bag-info.txt'));
  expect(() => new TextDecoder('utf-8', { fatal: true }).decode(infoBytes)).not.toThrow();
  const info = infoBytes.toString('utf8');
  expect(info.charCodeAt(0)).not.toBe(0xfeff);
  expect(info.endsWith('\n')).toBe(true);
  for (const line of info.slice(0, -1).split('\n')) expect(line).toMatch(/^(?:[^:\s][^:]*: \S.*|[ \t]+\S.*)$/);
  const oxum = /^Payload-Oxum: (\d+)\.(\d+)$/m.exec(info);
  expect(oxum, 'Payload-Oxum').not.toBeNull();

  // §2.2.2 Payload-Oxum = octets.streamcount of the payload, as find and stat count them.
  const sizes = await tool('find', ['data', '-type', 'f', '-exec', 'stat', '--format=%s', '{}', '+'], { cwd: bag });
  expect(sizes.code).toBe(0);
  const octets = sizes.out
    .trim()
    .split('\n')
    .reduce((n, s) => n + Number(s), 0);
  expect({ octets: Number(oxum![1]), count: Number(oxum![2]) }).toEqual({ octets, count: payload.length });
  return payload;
}

/** The detached signature over tagmanifest-sha256.txt, checked by OpenSSL against `publicKeyBase64`. */
async function opensslVerifies(bag: string, publicKeyBase64: string, signedFile = 'tagmanifest-sha256.txt'): Promise<boolean> {
  const fields = Object.fromEntries(
    fs
      .readFileSync(path.join(bag, SIGNATURE_FILE), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
  );
  expect(fields).toMatchObject({
    'Signature-Algorithm': 'Ed25519',
    'Signed-File': 'tagmanifest-sha256.txt',
    'Signer-Public-Key': publicKeyBase64,
  });
  const dir = fs.mkdtempSync(path.join(tmp, 'sig-'));
  fs.writeFileSync(
    path.join(dir, 'pub.der'),
    Buffer.concat([Buffer.from(ED25519_SPKI_PREFIX, 'hex'), Buffer.from(publicKeyBase64, 'base64')]),
  );
  fs.writeFileSync(path.join(dir, 'sig.bin'), Buffer.from(fields.Signature!, 'base64'));
  const pem = await tool('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', 'pub.der', '-out', 'pub.pem'], { cwd: dir });
  expect(pem.code, pem.out).toBe(0);
  const r = await tool(
    'openssl',
    [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      path.join(dir, 'pub.pem'),
      '-rawin',
      '-in',
      signedFile,
      '-sigfile',
      path.join(dir, 'sig.bin'),
    ],
    {
      cwd: bag,
    },
  );
  return r.code === 0 && r.out.includes('Signature Verified Successfully');
}

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the demo case bag from `tongban handoff build`', () => {
  let bag: string;
  let siteKey: string;

  beforeAll(async () => {
    const caseNo = (await tongban('demo-case')).at(-1)!;
    const zip = path.join(tmp, `${caseNo}.zip`);
    await tongban('handoff', 'build', caseNo, '--out', zip);
    siteKey = (await tongban('handoff', 'key', 'export'))[0]!.split(' ')[1]!;
    bag = await unzipBag(zip);
    expect(path.basename(bag)).toBe(caseNo);
  });

  it('conforms to RFC 8493: bagit.txt, complete and correct manifests, tag manifests, bag-info, Payload-Oxum', async () => {
    const payload = await expectConformingBag(bag);
    expect(payload).toEqual(
      expect.arrayContaining(['data/case.json', 'data/audit/events.jsonl', 'data/precheck/precheck.json', 'data/review/review.json']),
    );
    expect(payload.filter((p) => p.startsWith('data/materials/')).length).toBeGreaterThan(0);
    // The manifests as coreutils read them, unmodified.
    for (const [hashTool, file] of [
      ['sha256sum', 'manifest-sha256.txt'],
      ['sha512sum', 'manifest-sha512.txt'],
      ['sha256sum', 'tagmanifest-sha256.txt'],
    ] as const) {
      const r = await tool(hashTool, ['-c', '--strict', file], { cwd: bag });
      expect(r.code, `${hashTool} -c ${file}\n${r.out}`).toBe(0);
    }
  });

  it('the detached Ed25519 signature verifies with OpenSSL against the site key, and not once the manifest changes', async () => {
    expect(await opensslVerifies(bag, siteKey)).toBe(true);
    const altered = path.join(bag, 'tagmanifest-altered.txt');
    const text = fs.readFileSync(path.join(bag, 'tagmanifest-sha256.txt'), 'utf8');
    fs.writeFileSync(
      altered,
      text.replace(/^[0-9a-f]/, (d) => (d === '0' ? '1' : '0')),
    );
    try {
      expect(await opensslVerifies(bag, siteKey, 'tagmanifest-altered.txt')).toBe(false);
    } finally {
      fs.rmSync(altered);
    }
  });

  it('the checks fail on a non-conforming bag: a payload file the manifests do not list', async () => {
    const extra = path.join(bag, 'data', 'unlisted.txt');
    fs.writeFileSync(extra, 'not in any manifest\n');
    try {
      await expect(expectConformingBag(bag)).rejects.toThrow(/lists exactly the files under data\//);
    } finally {
      fs.rmSync(extra);
    }
  });
});

describe('payload names real scans carry (space, Chinese, %) through the same writer', () => {
  const NAMES = ['materials/扫描件 第1页.png', 'materials/营业执照（副本）.pdf', 'notes/完成度 100%.txt', 'case.json'];
  let bag: string;
  let signer: ReturnType<SiteKeyring['signingKey']>;

  beforeAll(async () => {
    signer = new SiteKeyring(path.join(tmp, 'keys'), 'test', undefined).signingKey();
    const { stream, summary } = createBagStream({
      root: 'TB-TEST-0001',
      info: [
        ['Source-Organization', '韶关市政务服务中心跨省通办专窗'],
        ['External-Identifier', 'TB-TEST-0001'],
      ],
      payload: NAMES.map((p, i) => ({ path: p, content: Buffer.from(`${p} ${'x'.repeat(i * 100)}\n`) })),
      signer,
      mtime: new Date('2026-01-05T02:00:00Z'),
    });
    const zip = path.join(tmp, 'names.zip');
    await Promise.all([pipeline(stream, fs.createWriteStream(zip)), summary]);
    bag = await unzipBag(zip);
  });

  it('conforms, lists the names as UTF-8 and percent-encodes % as %25', async () => {
    const payload = await expectConformingBag(bag);
    expect(payload).toEqual(NAMES.map((n) => `data/${n}`).sort());
    const manifest = fs.readFileSync(path.join(bag, 'manifest-sha256.txt'), 'utf8');
    expect(manifest).toContain('  data/materials/扫描件 第1页.png\n');
    expect(manifest).toContain('  data/notes/完成度 100%25.txt\n');
    expect(await opensslVerifies(bag, signer.publicKey)).toBe(true);
  });

  it('refuses a name with a line break or other control character (no zip tool restores it)', () => {
    for (const bad of ['materials/page\n2.png', 'materials/page\r2.png', 'materials/tab\there.png']) {
      expect(
        () => createBagStream({ root: 'R', info: [], payload: [{ path: bad, content: Buffer.from('x') }], signer, mtime: new Date() }),
        JSON.stringify(bad),
      ).toThrow(/invalid or repeated payload path/);
    }
  });
});
