import type { CaseAction, CaseView, MaterialView, ServiceItem } from '@tongban/shared';

/** Props every feature panel on the case detail page receives (pre-check, review, handoff). */
export interface CasePanelProps {
  caseView: CaseView;
  materials: MaterialView[];
  item: ServiceItem;
  allowedActions: CaseAction[];
  /**
   * The user works this case (canSeeFullIdentity): scans, page images, snapshots, recordings and
   * bags carry the full identity, so others (admins) get no links to them.
   */
  canSeeFiles: boolean;
  /** Call after the panel changed the case, so the page reloads case, materials and audit trail. */
  onChanged: () => void;
}
