import type { Feature } from '../feature';
import { precheckEvidence, type HandoffEvidence } from '../handoff/evidence';
import { createPrecheckRoutes } from './precheckRoutes';
import { PrecheckService, type PrecheckDeps } from './PrecheckService';
import { attachPrecheckRealtime } from './realtime';
import type { MaterialRecogniser } from './recognizeMaterial';

export interface PrecheckModuleDeps extends PrecheckDeps {
  /** The handoff bag's evidence: the pre-check adds data/precheck/precheck.json. */
  evidence: Pick<HandoffEvidence, 'provide'>;
}

/** 智能预审: the OCR job queue and results, its routes and progress events. */
export interface PrecheckModule extends Feature {
  precheck: PrecheckService;
  /** The recogniser the module was given, for /api/health. */
  ocr: Pick<MaterialRecogniser, 'health'>;
}

export function createPrecheckModule({ evidence, ...deps }: PrecheckModuleDeps): PrecheckModule {
  const precheck = new PrecheckService(deps);
  evidence.provide(
    'precheck',
    precheckEvidence((caseId) => precheck.precheckExport(caseId)),
  );
  return {
    precheck,
    ocr: deps.ocr,
    routes: () => createPrecheckRoutes({ precheck, cases: deps.cases, blobs: deps.blobs }),
    realtime: (io) => attachPrecheckRealtime(precheck, io),
    recoverInterrupted: () => precheck.recoverInterrupted(),
    close: () => precheck.close(),
  };
}
