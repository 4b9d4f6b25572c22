import type { BlobStore } from '../storage/BlobStore';
import type { PayloadFile } from './bag/bagWriter';

/**
 * What other modules contribute to a handoff bag: the OCR pre-check (data/precheck/) and the video
 * review (data/review/). Each module registers a provider; a case without one simply has no such
 * folder in its bag.
 */
export type EvidenceKind = 'precheck' | 'review';
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

interface ReviewExportLike {
  snapshots: Array<{ id: string; sha256: string; label: string }>;
}

/** data/review/review.json (decision, identity checklist, consent) and the watermarked snapshots as JPEG files. */
export function reviewEvidence(exportFn: (caseId: string) => ReviewExportLike | null, blobs: BlobStore): EvidenceProvider {
  return async (caseId) => {
    const exported = exportFn(caseId);
    if (!exported) return [];
    const snapshots = await Promise.all(
      exported.snapshots.map(async (s, i) => ({
        ...s,
        file: `snapshots/${String(i + 1).padStart(2, '0')}-${s.id.replace(/[^A-Za-z0-9_-]/g, '')}.jpg`,
        size: await blobs.size(s.sha256),
      })),
    );
    return [
      { path: 'review.json', content: json({ ...exported, snapshots: snapshots.map(({ size: _size, ...s }) => s) }) },
      ...snapshots.map((s) => ({ path: s.file, size: s.size, open: () => blobs.open(s.sha256) })),
    ];
  };
}
