import type { Feature } from '../feature';
import type { HandoffEvidence } from '../handoff/evidence';
import { CorrectionNoticeService, type CorrectionDeps } from './CorrectionNoticeService';
import { createCorrectionRoutes } from './correctionRoutes';

/** 问题处理: the one-time correction notice (补正材料通知书) issued with every 补正, printed at the window, carried in the bag. */
export interface CorrectionModule extends Feature {
  corrections: CorrectionNoticeService;
}

export function createCorrectionModule({ evidence, ...deps }: CorrectionDeps & { evidence: HandoffEvidence }): CorrectionModule {
  const corrections = new CorrectionNoticeService(deps);
  // data/corrections/: every notice of the case (withdrawn ones too, with why) and each as printed.
  evidence.provide('corrections', async (caseId) => {
    const notices = corrections.forBag(caseId);
    if (notices.length === 0) return [];
    const sheets = await Promise.all(
      notices.map(async (n) => ({ path: `notice-${n.seq}.pdf`, content: Buffer.from(await corrections.renderForBag(caseId, n)) })),
    );
    return [{ path: 'notices.json', content: Buffer.from(`${JSON.stringify(notices, null, 2)}\n`, 'utf8') }, ...sheets];
  });
  return { corrections, routes: () => createCorrectionRoutes(corrections) };
}
