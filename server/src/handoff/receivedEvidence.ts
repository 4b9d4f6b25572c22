import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError } from '@tongban/shared';
import { parseTagFile, SIGNATURE_FIELDS, SIGNATURE_FILE, tagValue } from '@tongban/shared/handoff/bagit';
import {
  PrecheckMaterialSummarySchema,
  PrecheckSummarySchema,
  type PrecheckSummary,
  type ReceivedEvidence,
} from '@tongban/shared/handoff/received';
import { actorOf, type SessionUser } from '../auth/AuthService';
import { DEFAULT_ZIP_LIMITS, forEachZipEntry, type ZipLimits } from './bag/zipEntries';
import { jsonOf, parseReview, readEntry, REVIEW_JSON, TEXT_CAP } from './bagReview';
import type { HandoffDeps } from './HandoffService';

/**
 * The review evidence of a case received by online transfer, read out of the verified bag this
 * site keeps (transfers.body_sha256 in the blob store): the co-review ran on the intake site's
 * server, so review.json, the snapshots and the recordings exist here only inside that bag. The
 * zip is read entry by entry with the bag reader's limits — never unpacked, never loaded whole.
 */

type Deps = Pick<HandoffDeps, 'db' | 'blobs' | 'ledger' | 'cases' | 'catalog' | 'maxBagBytes' | 'reviewRecords'>;

interface InboundTransfer {
  id: string;
  peer_site: string;
  body_sha256: string;
  tagmanifest_sha256: string;
  created_at: string;
  purged_at: string | null;
}

const PRECHECK_JSON = 'data/precheck/precheck.json';
/** precheck.json carries the OCR text of every page; past this the summary is left out rather than read. */
const PRECHECK_CAP = 32 * 1024 * 1024;

/** The fields of precheck.json the summary needs (the pre-check module's export, tongban-precheck/1). */
const PrecheckJsonSchema = PrecheckSummarySchema.extend({
  materials: z.array(PrecheckMaterialSummarySchema.extend({ findings: z.array(z.unknown()) })),
});

/** What the route needs to serve a file (its type is sniffed from the bytes, not taken from review.json). */
export interface ReceivedFile {
  size: number;
  /** ASCII, as named in the bag. */
  fileName: string;
}

export class ReceivedEvidenceService {
  constructor(private readonly deps: Deps) {}

  /** GET /api/cases/:id/handoff/received */
  async read(caseId: string, user: SessionUser): Promise<ReceivedEvidence> {
    const { c, transfer, zip } = this.inbound(caseId, user);
    const texts = await this.readTexts(
      zip,
      new Map([
        [REVIEW_JSON, TEXT_CAP],
        [PRECHECK_JSON, PRECHECK_CAP],
        [SIGNATURE_FILE, TEXT_CAP],
      ]),
    );
    const signature = texts.get(SIGNATURE_FILE);
    return {
      transfer: {
        transferId: transfer.id,
        fromSite: transfer.peer_site,
        fromSiteName: this.deps.catalog.siteName(transfer.peer_site),
        receivedAt: transfer.created_at,
        tagmanifestSha256: transfer.tagmanifest_sha256,
        bagSha256: transfer.body_sha256,
        signerKeyFingerprint: signature
          ? (tagValue(parseTagFile(signature.toString('utf8'), SIGNATURE_FILE), SIGNATURE_FIELDS.fingerprint) ?? null)
          : null,
      },
      review: parseReview(texts.get(REVIEW_JSON)),
      precheck: precheckSummary(texts.get(PRECHECK_JSON)),
      ownDecision: this.deps.reviewRecords.recordFor(c.id),
    };
  }

  /**
   * Streams one snapshot or recording to `send`. Only files review.json lists are served (the
   * name must equal a listed `file`, so nothing outside data/review/ can be reached); opening a
   * recording is audited as on the intake site.
   */
  async sendFile(
    caseId: string,
    user: SessionUser,
    file: string,
    send: (f: ReceivedFile, stream: Readable) => Promise<void>,
  ): Promise<void> {
    this.deps.cases.getForFiles(caseId, user);
    const { c, transfer, zip } = this.inbound(caseId, user);
    const review = parseReview((await this.readTexts(zip, new Map([[REVIEW_JSON, TEXT_CAP]]))).get(REVIEW_JSON));
    const snapshot = review?.snapshots.find((s) => s.file === file);
    const recording = review?.recordings.find((r) => r.file === file);
    const listed = snapshot ?? recording;
    if (!listed) throw new AppError('HANDOFF_RECEIVED_FILE_UNKNOWN', { details: { file } });
    const bagPath = `data/review/${listed.file}`;
    let sent = false;
    await forEachZipEntry(zip, this.limits(), async (entry, open) => {
      if (sent || withinBag(entry.name) !== bagPath) return;
      sent = true;
      if (recording) {
        this.deps.ledger.record(actorOf(user), 'handoff.evidence_downloaded', {
          caseId: c.id,
          details: { transferId: transfer.id, path: bagPath, sha256: recording.sha256, kind: 'recording' },
        });
      }
      await send({ size: entry.size, fileName: listed.file.slice(listed.file.indexOf('/') + 1) }, await open());
    });
    if (!sent) throw new AppError('BAG_FILE_MISSING', { details: { file: bagPath } });
  }

  /** The case (office access as for any case read), its inbound transfer and the kept bag's file. */
  private inbound(caseId: string, user: SessionUser): { c: { id: string }; transfer: InboundTransfer; zip: string } {
    const { db, blobs, cases } = this.deps;
    const c = cases.getForUser(caseId, user);
    const transfer = db
      .prepare(
        `SELECT id, peer_site, body_sha256, tagmanifest_sha256, created_at, purged_at FROM transfers
         WHERE case_id = ? AND direction = 'in' AND status = 'imported' ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      )
      .get(c.id) as InboundTransfer | undefined;
    if (!transfer) throw new AppError('HANDOFF_NOT_RECEIVED', { details: { caseId: c.id } });
    if (transfer.purged_at) throw new AppError('RETENTION_PURGED', { details: { caseId: c.id, sha256: transfer.body_sha256 } });
    // The blob store is local files (BlobStore.localPath); the zip reader needs random access to one.
    const zip = blobs.localPath(transfer.body_sha256);
    if (!zip) throw new AppError('INTERNAL', { details: { reason: 'received bag has no local file' } });
    return { c, transfer, zip };
  }

  private limits(): ZipLimits {
    return { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: this.deps.maxBagBytes };
  }

  /** The wanted files (path inside the bag → size cap), read whole; a file over its cap is left out. */
  private async readTexts(zip: string, wanted: Map<string, number>): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    await forEachZipEntry(zip, this.limits(), async (entry, open) => {
      const rel = withinBag(entry.name);
      const cap = wanted.get(rel);
      // yauzl holds each entry to its declared size, so the cap on the header is a cap on the bytes.
      if (cap === undefined || entry.size > cap) return;
      out.set(rel, await readEntry(open));
    });
    return out;
  }
}

/** An entry's path below the bag's single top-level folder (checked when the bag was verified on import). */
function withinBag(name: string): string {
  return name.slice(name.indexOf('/') + 1);
}

/** Per material: verdict and how many findings; the page text stays in the bag. Null when unreadable — it is only a summary. */
function precheckSummary(bytes: Buffer | undefined): PrecheckSummary | null {
  if (!bytes) return null;
  const parsed = PrecheckJsonSchema.safeParse(jsonOf(bytes));
  if (!parsed.success) return null;
  return {
    ready: parsed.data.ready,
    missingSlots: parsed.data.missingSlots,
    materials: parsed.data.materials.map((m) => ({
      slotCode: m.slotCode,
      fileName: m.fileName,
      verdict: m.verdict,
      findings: m.findings.length,
    })),
  };
}
