import { recordingFileName } from '@tongban/shared/review/recordingFiles';
import type { ReviewExport, ReviewRecordingView } from '@tongban/shared/review/session';
import type { BlobStore } from '../storage/BlobStore';
import type { PayloadFile } from './bag/bagWriter';
import { openBlob } from './caseBag';

/**
 * What other modules contribute to a handoff bag: the OCR pre-check (data/precheck/), the video
 * review (data/review/), the correction notices (data/corrections/), the certified copies of
 * scans checked against the originals (data/originals/), the marks drawn in the co-review
 * (data/annotations/) and the applicant's signature (data/signature/). Each module registers a
 * provider; a case without one simply has no such folder in its bag.
 */
export type EvidenceKind = 'precheck' | 'review' | 'corrections' | 'originals' | 'annotations' | 'signature';
export type EvidenceProvider = (caseId: string) => Promise<PayloadFile[]> | PayloadFile[];

export class HandoffEvidence {
  private readonly providers = new Map<EvidenceKind, EvidenceProvider>();

  provide(kind: EvidenceKind, provider: EvidenceProvider): void {
    this.providers.set(kind, provider);
  }

  /** Payload files with paths under `<kind>/`. */
  async collect(caseId: string): Promise<PayloadFile[]> {
    const out: PayloadFile[] = [];
    for (const [kind, provider] of this.providers) {
      for (const f of await provider(caseId)) out.push({ ...f, path: `${kind}/${f.path}` });
    }
    return out;
  }
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

/** data/precheck/precheck.json from the pre-check module's export (OCR results, findings, clerk overrides). */
export function precheckEvidence(exportFn: (caseId: string) => unknown): EvidenceProvider {
  return async (caseId) => {
    const exported = await exportFn(caseId);
    return exported == null ? [] : [{ path: 'precheck.json', content: json(exported) }];
  };
}

/** A blob listed in a JSON file and carried next to it as `<folder>/NN-<name>` (NN: its place in the list). */
interface BlobFile<T> {
  item: T;
  file: string;
  size: number;
}

async function blobFiles<T extends { sha256: string }>(
  blobs: BlobStore,
  folder: string,
  items: T[],
  nameOf: (item: T) => string,
): Promise<Array<BlobFile<T>>> {
  return Promise.all(
    items.map(async (item, i) => ({
      item,
      file: `${folder}/${String(i + 1).padStart(2, '0')}-${nameOf(item)}`,
      size: await blobs.size(item.sha256),
    })),
  );
}

/** The bytes as stored, streamed from the blob store when the bag writer gets to them (recordings run to hundreds of MB). */
const blobPayload = (blobs: BlobStore, { item, file, size }: BlobFile<{ sha256: string }>): PayloadFile => ({
  path: file,
  size,
  open: () => openBlob(blobs, item.sha256),
});

type StoredRecording = ReviewRecordingView & { sha256: string };
const isStored = (r: ReviewRecordingView): r is StoredRecording => r.status === 'stored' && r.sha256 !== undefined;

/**
 * data/review/review.json (decision, identity checklist, consent, and the list of the files below),
 * the watermarked snapshots as JPEG files and the stored recordings as WebM/Matroska files. A
 * recording that failed, or was still being written when the bag was built, cannot travel: its
 * count is in review.json (`recordingsFailed`, `recordingsUnfinished`) so the handling office
 * knows that evidence is missing.
 */
export function reviewEvidence(
  exportFn: (caseId: string) => Promise<ReviewExport | null> | ReviewExport | null,
  blobs: BlobStore,
): EvidenceProvider {
  return async (caseId) => {
    const exported = await exportFn(caseId);
    if (!exported) return [];
    const snapshots = await blobFiles(blobs, 'snapshots', exported.snapshots, (s) => `${s.id.replace(/[^A-Za-z0-9_-]/g, '')}.jpg`);
    const recordings = await blobFiles(blobs, 'recordings', exported.recordings.filter(isStored), recordingFileName);
    const failed = exported.recordings.filter((r) => r.status === 'failed').length;
    const unfinished = exported.recordings.filter((r) => r.status === 'recording').length;
    const review = {
      ...exported,
      snapshots: snapshots.map(({ item, file, size }) => ({ ...item, file, size })),
      recordings: recordings.map(({ item: { status: _status, ...rec }, file, size }) => ({ ...rec, file, size })),
      ...(failed > 0 ? { recordingsFailed: failed } : {}),
      ...(unfinished > 0 ? { recordingsUnfinished: unfinished } : {}),
    };
    return [{ path: 'review.json', content: json(review) }, ...[...snapshots, ...recordings].map((f) => blobPayload(blobs, f))];
  };
}
