import path from 'node:path';
import type { Feature } from '../feature';
import { periodicJob } from '../periodicJob';
import type { HandoffEvidence } from '../handoff/evidence';
import type { Logger } from '../logger';
import type { MaterialService } from '../materials/MaterialService';
import { listReplacedMaterials } from '../materials/materialRows';
import type { BlobStore } from '../storage/BlobStore';
import { CorrectionNoticeService, type CorrectionDeps } from './CorrectionNoticeService';
import { createCorrectionRoutes } from './correctionRoutes';

/** 问题处理: the one-time correction notice (补正材料通知书) issued with every 补正, printed at the window, carried in the bag. */
export interface CorrectionModule extends Feature {
  corrections: CorrectionNoticeService;
}

export function createCorrectionModule({
  evidence,
  materials,
  log,
  blobs,
  ...deps
}: CorrectionDeps & {
  evidence: HandoffEvidence;
  materials: Pick<MaterialService, 'guardSlots'>;
  log: Logger;
  blobs: Pick<BlobStore, 'open'>;
}): CorrectionModule {
  const corrections = new CorrectionNoticeService(deps);
  materials.guardSlots((c, slotCode) => corrections.assertListed(c, slotCode));
  // 补正逾期: looked for hourly by the serving process (a CLI command beside it starts nothing).
  const overdue = periodicJob(log, 'corrections: closing overdue cases', 60, () => corrections.expireOverdue());
  // data/corrections/: every notice of the case (withdrawn ones too, with why) and each as printed.
  // With them, the scans the corrected ones replaced and which replaced which (data/materials/ holds the current ones).
  evidence.provide('corrections', async (caseId) => {
    const notices = corrections.forBag(caseId);
    if (notices.length === 0) return [];
    const sheets = await Promise.all(
      notices.map(async (n) => ({ path: `notice-${n.seq}.pdf`, content: Buffer.from(await corrections.renderForBag(caseId, n)) })),
    );
    const replaced = listReplacedMaterials(deps.db, caseId).map((m, i) => ({
      m,
      path: `replaced/${String(i + 1).padStart(2, '0')}-${m.slotCode.replace(/[^A-Za-z0-9_-]/g, '_')}-${m.sha256.slice(0, 8)}${path.extname(m.fileName) || '.bin'}`,
    }));
    const history = replaced.map(({ m, path: file }) => ({
      slotCode: m.slotCode,
      file,
      sha256: m.sha256,
      uploadedAt: m.uploadedAt,
      replacedBy: m.replacedBy,
      replacedAt: m.replacedAt,
    }));
    return [
      { path: 'notices.json', content: Buffer.from(`${JSON.stringify(notices, null, 2)}\n`, 'utf8') },
      ...sheets,
      ...(replaced.length > 0 ? [{ path: 'replaced.json', content: Buffer.from(`${JSON.stringify(history, null, 2)}\n`, 'utf8') }] : []),
      ...replaced.map(({ m, path: file }) => ({ path: file, size: m.size, open: () => blobs.open(m.sha256) })),
    ];
  });
  // The second co-review after 补正 looks at what the notice listed: its request says which.
  deps.cases.onTransition('request_review', (c) => {
    const slots = corrections.correctedSlots(c.id);
    return slots.length > 0 ? { correctionRound: slots } : undefined;
  });
  return {
    corrections,
    routes: () => createCorrectionRoutes(corrections),
    recoverInterrupted: () => overdue.start(),
    close: () => overdue.stop(),
  };
}
