import type { Feature } from '../feature';
import type { HandoffEvidence } from '../handoff/evidence';
import { OriginalCheckService, type OriginalCheckDeps } from './OriginalCheckService';
import { createOriginalRoutes } from './originalRoutes';

/** 已核验原件: scans checked against the originals at the window or in the call, and their certified copies (核验件). */
export interface OriginalsModule extends Feature {
  originals: OriginalCheckService;
}

export function createOriginalsModule({ evidence, ...deps }: OriginalCheckDeps & { evidence: HandoffEvidence }): OriginalsModule {
  const originals = new OriginalCheckService(deps);
  // data/originals/: the certified copy of every marked scan, beside the marks in case.json.
  evidence.provide('originals', (caseId) => originals.forBag(caseId));
  return { originals, routes: () => createOriginalRoutes(originals) };
}
