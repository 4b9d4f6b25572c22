import fs from 'node:fs';
import path from 'node:path';
import { TRANSFER_MODES, type TransferMode } from '@tongban/shared/handoff/schemas';
import type { CliCommand } from '../command';
import type { AppContext } from '../../context';
import { loadConfig } from '../../config/config';
import { verifyBag, type BagReport } from '../../handoff/bag/bagVerifier';
import type { BagProgress } from '../../handoff/bag/bagWriter';
import { parseTrustedKeys, SiteKeyring, type TrustedKey } from '../../handoff/siteKeys';
import { formatOxum } from '@tongban/shared/handoff/bagit';

/** `tongban handoff …`: build, verify and print handoff bags; export and trust site keys. */

function keyringFor(dataDir: string | undefined): SiteKeyring {
  const config = loadConfig(process.env, dataDir ? { DATA_DIR: dataDir } : {});
  return new SiteKeyring(path.join(config.dataDir, 'keys'), config.SITE_ID, config.PEER_KEYS_FILE);
}

function findCase(ctx: AppContext, ref: string) {
  return ctx.cases.findByCaseNo(ref) ?? ctx.cases.get(ref);
}

/** Progress on stderr: one updating line on a terminal, a line per 10% otherwise. */
function stderrProgress(): (p: BagProgress) => void {
  let lastDecile = -1;
  return (p) => {
    const pct = p.bytesTotal ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 100;
    const msg = `打包 packing ${pct}%  ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytesTotal / 1e6).toFixed(1)} MB  ${p.file}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${msg.padEnd(100).slice(0, 100)}${pct === 100 ? '\n' : ''}`);
    else if (Math.floor(pct / 10) !== lastDecile) {
      lastDecile = Math.floor(pct / 10);
      process.stderr.write(`${msg}\n`);
    }
  };
}

export const handoffBuildCommand: CliCommand = {
  name: 'handoff build',
  usage: 'tongban handoff build CASE --out FILE.zip [--mode online|courier]',
  summary: 'Write the signed BagIt handoff bag of a case (number or id) to a zip file',
  options: { out: { type: 'string' }, mode: { type: 'string' } },
  async run({ values, positionals, open }) {
    const ref = positionals[0];
    const out = values.out as string | undefined;
    const mode = (values.mode as string | undefined) ?? 'online';
    if (!ref || !out || !TRANSFER_MODES.includes(mode as TransferMode)) {
      console.error('Usage: tongban handoff build CASE --out FILE.zip [--mode online|courier]');
      return 2;
    }
    const ctx = open();
    try {
      const c = findCase(ctx, ref);
      const s = await ctx.handoff.bags.writeBag(c.id, mode as TransferMode, fs.createWriteStream(out), stderrProgress());
      console.log(`转递包已生成 / bag written: ${out}`);
      console.log(`  case ${c.caseNo}, Payload-Oxum ${formatOxum(s.oxum)}, tagmanifest-sha256.txt SHA-256 ${s.tagmanifestSha256}`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};

function printReport(file: string, r: BagReport): void {
  const line = (ok: boolean, what: string) => console.log(`  ${ok ? '✔' : '✘'} ${what}`);
  console.log(`转递包校验 / bag verification: ${file}`);
  if (r.root) console.log(`  bag ${r.root}, Payload-Oxum ${formatOxum(r.payload)}, ${r.auditEvents} audit events`);
  const has = (prefix: string) => r.problems.some((p) => p.code.startsWith(prefix));
  line(!has('BAG_ZIP'), 'zip safety (paths, symlinks, size, CRC)');
  line(!has('BAG_LAYOUT') && !has('BAG_TAG_FILE') && !has('BAG_FILE'), 'layout and completeness');
  line(!has('BAG_CHECKSUM'), 'checksums (sha256 + sha512)');
  line(!has('BAG_OXUM'), 'Payload-Oxum');
  line(
    !has('BAG_SIGN'),
    `signature${r.signer ? ` (key ${r.signer.fingerprint.slice(0, 16)}…${r.signer.site ? `, site ${r.signer.site}` : ''})` : ''}`,
  );
  line(!has('BAG_AUDIT'), 'audit event hashes');
  for (const p of r.problems) console.log(`    ${p.code}  ${p.file}: ${p.message_zh} / ${p.message_en}`);
  console.log(r.ok ? '结果：有效 / VALID' : `结果：无效 / INVALID (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'})`);
}

export const handoffVerifyCommand: CliCommand = {
  name: 'handoff verify',
  usage: 'tongban handoff verify FILE.zip [--trust KEYS]',
  summary: 'Check a handoff bag: completeness, checksums, Oxum, signature, audit chain; non-zero if invalid',
  options: { trust: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }) {
    const file = positionals[0];
    if (!file) {
      console.error('Usage: tongban handoff verify FILE.zip [--trust KEYS]');
      return 2;
    }
    let trusted: TrustedKey[];
    if (values.trust) trusted = parseTrustedKeys(fs.readFileSync(values.trust as string, 'utf8'), values.trust as string);
    else {
      const keys = keyringFor(values.data as string | undefined);
      trusted = [...keys.trustedKeys(), { ...keys.signingKey(), site: keys.siteId }];
    }
    const r = await verifyBag(file, { trusted });
    if (values.json) console.log(JSON.stringify({ ...r, caseJson: undefined }, null, 2));
    else printReport(file, r);
    return r.ok ? 0 : 1;
  },
};

export const handoffCoverCommand: CliCommand = {
  name: 'handoff cover',
  usage: 'tongban handoff cover CASE --out FILE.pdf',
  summary: 'Print the courier cover sheet (交接单) of the case’s current bag to a PDF',
  options: { out: { type: 'string' } },
  async run({ values, positionals, open }) {
    const ref = positionals[0];
    const out = values.out as string | undefined;
    if (!ref || !out) {
      console.error('Usage: tongban handoff cover CASE --out FILE.pdf');
      return 2;
    }
    const ctx = open();
    try {
      const c = findCase(ctx, ref);
      // The CLI acts as the intake office's supervisor would: it sees the case, nothing more.
      const { pdf } = await ctx.handoff.bags.coverSheet(c.id, {
        id: 'cli',
        username: 'cli',
        displayName: 'CLI',
        role: 'supervisor',
        officeId: c.intakeOfficeId,
      });
      fs.writeFileSync(out, pdf);
      console.log(`交接单已生成 / cover sheet written: ${out}`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};

export const handoffKeyExportCommand: CliCommand = {
  name: 'handoff key export',
  usage: 'tongban handoff key export',
  summary: 'Print this site’s public signing key line (fingerprint key site) for peers to trust',
  async run({ values }) {
    console.log(keyringFor(values.data as string | undefined).exportLine());
    return 0;
  },
};

export const handoffKeyTrustCommand: CliCommand = {
  name: 'handoff key trust',
  usage: 'tongban handoff key trust "FINGERPRINT PUBLIC-KEY SITE"',
  summary: 'Trust a peer site’s public key (a line from its `handoff key export`)',
  async run({ values, positionals }) {
    const keys = keyringFor(values.data as string | undefined);
    const k = keys.trust(positionals.join(' '));
    console.log(`已信任 / trusted: site ${k.site}, key ${k.fingerprint} (${keys.trustFile})`);
    return 0;
  },
};

export const handoffCommands: CliCommand[] = [
  handoffBuildCommand,
  handoffVerifyCommand,
  handoffCoverCommand,
  handoffKeyExportCommand,
  handoffKeyTrustCommand,
];
