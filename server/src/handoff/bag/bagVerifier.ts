import { AppError, type ErrorCode } from '@tongban/shared';
import {
  BAG_ALGORITHMS,
  BAG_INFO,
  SIGNATURE_FIELDS,
  SIGNATURE_FILE,
  SIGNED_TAG_MANIFEST,
  formatOxum,
  parseManifest,
  parseOxum,
  parseTagFile,
  tagValue,
  type BagAlgorithm,
  type TagField,
} from '@tongban/shared/handoff/bagit';
import { verifyAuditChain, type AuditEvent } from '../../audit/AuditLedger';
import { fingerprintOf, verifySignature, type TrustedKey } from '../siteKeys';
import { PayloadDigests } from './payloadDigests';
import { DEFAULT_ZIP_LIMITS, forEachZipEntry, WHOLE_ZIP, type ZipLimits } from './zipEntries';

/**
 * Verifies a zipped, signed BagIt bag by streaming it once: zip safety, layout, both payload
 * manifests (completeness both ways, every checksum), tag manifests, Payload-Oxum, the Ed25519
 * signature against trusted keys, and the hash of every audit event inside. Every problem names
 * the file at fault; a zip-level danger stops the read at once.
 */

export interface BagProblem {
  code: ErrorCode;
  file: string;
  message_zh: string;
  message_en: string;
  details?: Record<string, unknown>;
}

export interface BagReport {
  ok: boolean;
  root: string | null;
  problems: BagProblem[];
  info: TagField[];
  payload: { octets: number; count: number };
  signer: { fingerprint: string; site: string | null; trusted: boolean } | null;
  tagmanifestSha256: string | null;
  /** manifest-sha256.txt as listed: payload path → digest (each checked against the file when `ok`). */
  manifest: Record<string, string>;
  auditEvents: number;
  /** data/case.json, parsed, when present and intact. */
  caseJson: unknown;
}

interface Seen {
  size: number;
  sha256: string;
  sha512: string;
  /** Kept for tag files and the few payload files the verifier reads itself. */
  text?: string;
}

const TAG_FILE_CAP = 16 * 1024 * 1024;
const READ_IN_FULL = new Set(['data/case.json', 'data/audit/events.jsonl']);

function problem(code: ErrorCode, file: string, zh: string, en: string, details?: Record<string, unknown>): BagProblem {
  return { code, file, message_zh: zh, message_en: en, ...(details ? { details } : {}) };
}

export async function verifyBag(zipFile: string, opts: { trusted: TrustedKey[]; limits?: Partial<ZipLimits> }): Promise<BagReport> {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...opts.limits };
  const problems: BagProblem[] = [];
  const files = new Map<string, Seen>();
  let root: string | null = null;
  const report = (): BagReport => ({
    ok: problems.length === 0,
    root,
    problems,
    info,
    payload,
    signer,
    tagmanifestSha256,
    manifest,
    auditEvents,
    caseJson,
  });
  let info: TagField[] = [];
  const payload = { octets: 0, count: 0 };
  let signer: BagReport['signer'] = null;
  let tagmanifestSha256: string | null = null;
  let manifest: Record<string, string> = {};
  let auditEvents = 0;
  let caseJson: unknown = null;

  const sha512s: Array<Promise<void>> = [];
  let sha512Failure: Error | undefined;
  try {
    await forEachZipEntry(zipFile, limits, async ({ name }, open) => {
      const slash = name.indexOf('/');
      const top = slash < 0 ? name : name.slice(0, slash);
      if (root === null) root = top;
      if (slash < 0 || top !== root) {
        throw new AppError('BAG_LAYOUT_INVALID', {
          details: { file: name },
          zh: `转递包必须只有一个顶层文件夹，“${name}”不在“${root}/”内`,
          en: `The bag must have exactly one top-level folder; "${name}" is outside "${root}/"`,
        });
      }
      const rel = name.slice(slash + 1);
      if (files.has(rel)) {
        throw new AppError('BAG_LAYOUT_INVALID', {
          details: { file: rel },
          zh: `转递包中“${rel}”重复出现`,
          en: `"${rel}" appears twice in the bag`,
        });
      }
      const keepText = !rel.startsWith('data/') || READ_IN_FULL.has(rel);
      const digests = new PayloadDigests();
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of await open()) {
          const buf = chunk as Buffer;
          const queued = digests.update(buf);
          if (keepText) {
            if (digests.bytes > TAG_FILE_CAP) {
              throw new AppError('BAG_ZIP_TOO_LARGE', {
                details: { file: rel, limit: TAG_FILE_CAP },
                zh: `“${rel}”过大`,
                en: `"${rel}" is too large for a tag file`,
              });
            }
            chunks.push(buf);
          }
          if (queued) await queued;
        }
      } catch (e) {
        digests.abandon();
        throw e;
      }
      const { sha256, sha512 } = digests.finish();
      const seen: Seen = {
        size: digests.bytes,
        sha256,
        sha512: '',
        ...(keepText ? { text: Buffer.concat(chunks).toString('utf8') } : {}),
      };
      files.set(rel, seen);
      // Not awaited here: the next entry is read while the thread finishes this one.
      sha512s.push(
        sha512.then(
          (hex) => void (seen.sha512 = hex),
          (e: Error) => void (sha512Failure ??= e),
        ),
      );
    });
    await Promise.all(sha512s);
    if (sha512Failure) throw sha512Failure;
  } catch (e) {
    await Promise.all(sha512s);
    if (!(e instanceof AppError)) throw e;
    const file = ((e.details as { file?: string } | undefined)?.file ?? WHOLE_ZIP).toString();
    problems.push(problem(e.code, file, e.message_zh, e.message_en, e.details as Record<string, unknown>));
    return report();
  }

  const payloadFiles = [...files.keys()].filter((p) => p.startsWith('data/'));
  for (const p of payloadFiles) {
    payload.octets += files.get(p)!.size;
    payload.count++;
  }
  const fromAppError = (e: unknown, file: string) => {
    if (!(e instanceof AppError)) throw e;
    problems.push(problem(e.code, file, e.message_zh, e.message_en, e.details as Record<string, unknown>));
  };

  // bagit.txt: version and encoding.
  const bagit = files.get('bagit.txt');
  if (!bagit?.text) {
    problems.push(problem('BAG_LAYOUT_INVALID', 'bagit.txt', '转递包缺少 bagit.txt', 'The bag has no bagit.txt'));
  } else {
    try {
      const tags = parseTagFile(bagit.text, 'bagit.txt');
      if (tagValue(tags, 'BagIt-Version') !== '1.0' || tagValue(tags, 'Tag-File-Character-Encoding')?.toUpperCase() !== 'UTF-8') {
        problems.push(
          problem(
            'BAG_TAG_FILE_INVALID',
            'bagit.txt',
            'bagit.txt 须为 BagIt-Version 1.0、UTF-8',
            'bagit.txt must declare BagIt-Version 1.0 and UTF-8',
          ),
        );
      }
    } catch (e) {
      fromAppError(e, 'bagit.txt');
    }
  }

  // Payload manifests: every listed file present and matching; every payload file listed in each.
  for (const alg of BAG_ALGORITHMS) {
    const name = `manifest-${alg}.txt`;
    const m = files.get(name);
    if (!m?.text) {
      problems.push(problem('BAG_FILE_MISSING', name, `转递包缺少清单 ${name}`, `The bag has no ${name}`));
      continue;
    }
    let entries: Map<string, string>;
    try {
      entries = parseManifest(m.text, name, alg);
    } catch (e) {
      fromAppError(e, name);
      continue;
    }
    if (alg === 'sha256') manifest = Object.fromEntries(entries);
    for (const [p, digest] of entries) {
      if (!p.startsWith('data/')) {
        problems.push(problem('BAG_TAG_FILE_INVALID', name, `清单 ${name} 列出了载荷目录之外的 ${p}`, `${name} lists ${p}, outside data/`));
        continue;
      }
      const f = files.get(p);
      if (!f)
        problems.push(
          problem('BAG_FILE_MISSING', p, `转递包缺少清单中的文件 ${p}`, `${p} is listed in ${name} but missing from the bag`, {
            manifest: name,
          }),
        );
      else if (f[alg] !== digest) problems.push(mismatch(p, alg, digest, f[alg]));
    }
    for (const p of payloadFiles) {
      if (!entries.has(p))
        problems.push(
          problem('BAG_FILE_UNEXPECTED', p, `转递包中的 ${p} 不在清单 ${name} 中`, `${p} is in the bag but not in ${name}`, {
            manifest: name,
          }),
        );
    }
  }

  // Tag manifests: listed tag files present and matching; never payload files.
  for (const alg of BAG_ALGORITHMS) {
    const name = `tagmanifest-${alg}.txt`;
    const m = files.get(name);
    if (!m?.text) {
      problems.push(problem('BAG_FILE_MISSING', name, `转递包缺少标签清单 ${name}`, `The bag has no ${name}`));
      continue;
    }
    try {
      for (const [p, digest] of parseManifest(m.text, name, alg)) {
        const f = files.get(p);
        if (p.startsWith('data/'))
          problems.push(
            problem('BAG_TAG_FILE_INVALID', name, `标签清单 ${name} 不应列出载荷文件 ${p}`, `${name} must not list payload file ${p}`),
          );
        else if (!f)
          problems.push(
            problem('BAG_FILE_MISSING', p, `转递包缺少标签文件 ${p}`, `${p} is listed in ${name} but missing from the bag`, {
              manifest: name,
            }),
          );
        else if (f[alg] !== digest) problems.push(mismatch(p, alg, digest, f[alg]));
      }
    } catch (e) {
      fromAppError(e, name);
    }
  }

  // bag-info.txt and Payload-Oxum.
  const bagInfo = files.get('bag-info.txt');
  if (!bagInfo?.text) {
    problems.push(problem('BAG_FILE_MISSING', 'bag-info.txt', '转递包缺少 bag-info.txt', 'The bag has no bag-info.txt'));
  } else {
    try {
      info = parseTagFile(bagInfo.text, 'bag-info.txt');
      const declared = parseOxum(tagValue(info, BAG_INFO.payloadOxum));
      if (!declared || declared.octets !== payload.octets || declared.count !== payload.count) {
        problems.push(
          problem(
            'BAG_OXUM_MISMATCH',
            'bag-info.txt',
            `Payload-Oxum 为 ${tagValue(info, BAG_INFO.payloadOxum) ?? '（缺失）'}，实际为 ${formatOxum(payload)}`,
            `Payload-Oxum says ${tagValue(info, BAG_INFO.payloadOxum) ?? '(missing)'} but the payload is ${formatOxum(payload)}`,
            { declared: tagValue(info, BAG_INFO.payloadOxum) ?? null, actual: formatOxum(payload) },
          ),
        );
      }
    } catch (e) {
      fromAppError(e, 'bag-info.txt');
    }
  }

  // Signature over tagmanifest-sha256.txt, by a trusted key.
  const signedFile = files.get(SIGNED_TAG_MANIFEST);
  tagmanifestSha256 = signedFile?.sha256 ?? null;
  const sigFile = files.get(SIGNATURE_FILE);
  if (!sigFile?.text) {
    problems.push(
      problem('BAG_SIGNATURE_MISSING', SIGNATURE_FILE, `转递包缺少签名文件 ${SIGNATURE_FILE}`, `The bag has no ${SIGNATURE_FILE}`),
    );
  } else if (signedFile?.text !== undefined) {
    try {
      const sig = parseTagFile(sigFile.text, SIGNATURE_FILE);
      const publicKey = tagValue(sig, SIGNATURE_FIELDS.publicKey) ?? '';
      const fingerprint = fingerprintOf(Buffer.from(publicKey, 'base64'));
      const claimed = tagValue(sig, SIGNATURE_FIELDS.fingerprint);
      const trustedKey = opts.trusted.find((k) => k.fingerprint === fingerprint);
      signer = { fingerprint, site: trustedKey?.site ?? null, trusted: Boolean(trustedKey) };
      const infoFingerprint = tagValue(info, BAG_INFO.signerKeyFingerprint);
      if (
        tagValue(sig, SIGNATURE_FIELDS.signedFile) !== SIGNED_TAG_MANIFEST ||
        claimed !== fingerprint ||
        (infoFingerprint !== undefined && infoFingerprint !== fingerprint) ||
        !verifySignature(publicKey, Buffer.from(signedFile.text, 'utf8'), tagValue(sig, SIGNATURE_FIELDS.signature) ?? '')
      ) {
        problems.push(
          problem(
            'BAG_SIGNATURE_INVALID',
            SIGNATURE_FILE,
            `${SIGNED_TAG_MANIFEST} 的签名验证失败`,
            `The signature of ${SIGNED_TAG_MANIFEST} does not verify`,
          ),
        );
      } else if (!trustedKey) {
        problems.push(
          problem(
            'BAG_SIGNER_UNTRUSTED',
            SIGNATURE_FILE,
            `签名密钥 ${fingerprint.slice(0, 16)}… 不在信任列表中`,
            `Signing key ${fingerprint.slice(0, 16)}… is not trusted`,
            { fingerprint },
          ),
        );
      }
    } catch (e) {
      fromAppError(e, SIGNATURE_FILE);
    }
  }

  // The case's audit events: each event's own hash (a case's events are a subsequence of the ledger).
  const events = files.get('data/audit/events.jsonl');
  if (events?.text !== undefined) {
    try {
      const parsed = events.text
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as AuditEvent);
      const chain = verifyAuditChain(parsed, { contiguous: false });
      auditEvents = chain.count;
      if (!chain.ok) {
        problems.push(
          problem(
            'BAG_AUDIT_CHAIN_BROKEN',
            'data/audit/events.jsonl',
            `审计事件 seq ${chain.firstBad} 哈希不符：${chain.reason}`,
            `Audit event seq ${chain.firstBad}: ${chain.reason}`,
            {
              seq: chain.firstBad,
            },
          ),
        );
      }
    } catch {
      problems.push(
        problem(
          'BAG_AUDIT_CHAIN_BROKEN',
          'data/audit/events.jsonl',
          '审计事件文件不是有效的 JSON Lines',
          'The audit events file is not valid JSON Lines',
        ),
      );
    }
  }
  const caseFile = files.get('data/case.json');
  if (caseFile?.text !== undefined) {
    try {
      caseJson = JSON.parse(caseFile.text);
    } catch {
      problems.push(problem('BAG_TAG_FILE_INVALID', 'data/case.json', 'case.json 不是有效的 JSON', 'case.json is not valid JSON'));
    }
  }
  return report();
}

function mismatch(file: string, alg: BagAlgorithm, expected: string, found: string): BagProblem {
  return problem(
    'BAG_CHECKSUM_MISMATCH',
    file,
    `${file} 的 ${alg} 校验值不符（内容被改动）`,
    `${file} fails its ${alg} checksum (content altered)`,
    {
      algorithm: alg,
      expected,
      found,
    },
  );
}

/** Throws the first problem as an AppError (all problems in details) when the bag is not valid. */
export function assertBagValid(report: BagReport): void {
  const first = report.problems[0];
  if (!first) return;
  throw new AppError(first.code, {
    details: { file: first.file, problems: report.problems },
    zh: `${first.message_zh}（${first.file}）`,
    en: `${first.message_en} (${first.file})`,
  });
}
