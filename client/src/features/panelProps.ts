import type { CaseAction, CaseView, MaterialView, ServiceItem } from '@tongban/shared';

/** Props every feature panel on the case detail page receives (pre-check, review, handoff). */
export interface CasePanelProps {
  caseView: CaseView;
  materials: MaterialView[];
  item: ServiceItem;
  allowedActions: CaseAction[];
  /** Call after the panel changed the case, so the page reloads case, materials and audit trail. */
  onChanged: () => void;
}
