import type { ServiceItem } from '@tongban/shared';
import type { CourierHandoffRequest, EnvelopeView, TransferMode } from '@tongban/shared/handoff/schemas';
import type { CatalogService } from '../catalog/CatalogService';
import type { Db } from '../storage/database';

/**
 * The paper envelope that follows a case by courier (handoff_envelopes): the cover sheet with the
 * paper originals in courier mode, the originals the catalogue marks 原件需邮寄 beside an online
 * transfer. Writes run inside the caller's transaction, next to the audit event they belong to.
 */

interface EnvelopeRow {
  case_id: string;
  courier_company: string;
  waybill_no: string;
  mailed_at: string | null;
  mailed_by: string | null;
  received_at: string | null;
  received_by: string | null;
  received_by_site: string | null;
}

/** Whether the item's paper originals must travel to the handling office. */
export function hasOriginals(item: ServiceItem | undefined): boolean {
  return item?.materials.some((m) => m.originalByCourier) ?? false;
}

export class Envelopes {
  constructor(private readonly deps: { db: Db; catalog: CatalogService }) {}

  get(caseId: string): { courierCompany: string; waybillNo: string; receivedAt: string | null } | undefined {
    const row = this.row(caseId);
    return row && { courierCompany: row.courier_company, waybillNo: row.waybill_no, receivedAt: row.received_at };
  }

  /** The envelope went out (at the window, or as the bag or the envelope itself tells the handling site; `at` null: unknown). */
  mailed(caseId: string, courier: CourierHandoffRequest, at: string | null, by: string | null): void {
    this.deps.db
      .prepare(
        `INSERT INTO handoff_envelopes (case_id, courier_company, waybill_no, mailed_at, mailed_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (case_id) DO NOTHING`,
      )
      .run(caseId, courier.courierCompany, courier.waybillNo, at, by);
  }

  /** 签收: by a user here, or (at the intake site) as the handling site reported it. */
  received(caseId: string, at: string, by: { userId: string } | { site: string }): void {
    this.deps.db
      .prepare(
        'UPDATE handoff_envelopes SET received_at = ?, received_by = ?, received_by_site = ? WHERE case_id = ? AND received_at IS NULL',
      )
      .run(at, 'userId' in by ? by.userId : null, 'site' in by ? by.site : null, caseId);
  }

  /**
   * What the case page and the receiving desk show: null when nothing travels on paper (no bag yet,
   * or an online transfer of an item without originals), else 待寄出 / 已寄出 / 已签收.
   */
  view(caseId: string, mode: TransferMode | undefined, item: ServiceItem | undefined): EnvelopeView | null {
    const row = this.row(caseId);
    if (!row && (mode === undefined || (mode === 'online' && !hasOriginals(item)))) return null;
    if (!row) return { status: 'pending', courierCompany: null, waybillNo: null, mailedAt: null, receivedAt: null, receivedBy: null };
    return {
      status: row.received_at ? 'received' : 'mailed',
      courierCompany: row.courier_company,
      waybillNo: row.waybill_no,
      mailedAt: row.mailed_at,
      receivedAt: row.received_at,
      receivedBy: this.receivedBy(row),
    };
  }

  private receivedBy(row: EnvelopeRow): string | null {
    if (row.received_by_site) return this.deps.catalog.siteName(row.received_by_site);
    if (!row.received_by) return null;
    return (this.deps.db.prepare('SELECT display_name FROM users WHERE id = ?').pluck().get(row.received_by) as string | undefined) ?? null;
  }

  private row(caseId: string): EnvelopeRow | undefined {
    return this.deps.db.prepare('SELECT * FROM handoff_envelopes WHERE case_id = ?').get(caseId) as EnvelopeRow | undefined;
  }
}
