import { useI18n } from '../../i18n';
import { Select, TextField } from '../../ui';

export const COURIERS = ['中国邮政EMS', '顺丰速运', '京东物流', '中通快递', '圆通速递'];

/**
 * Courier company and waybill number: handing originals off, mailing a paper result back, and
 * signing for an envelope at the handling office (where a barcode scanner may type the waybill).
 */
export function CourierFields(p: {
  courierCompany: string;
  onCourier: (v: string) => void;
  waybillNo: string;
  onWaybill: (v: string) => void;
  waybillLabel?: string;
  waybillError?: string | null;
  /** The company is already known (the window recorded it): shown, not chosen. */
  companyFixed?: boolean;
}) {
  const { t } = useI18n();
  const companies = COURIERS.includes(p.courierCompany) ? COURIERS : [p.courierCompany, ...COURIERS];
  return (
    <>
      <Select
        label={t('快递公司', 'Courier')}
        value={p.courierCompany}
        onChange={(e) => p.onCourier(e.target.value)}
        disabled={p.companyFixed}
        options={companies.map((c) => ({ value: c, label: c }))}
      />
      <TextField
        label={p.waybillLabel ?? t('运单号', 'Waybill number')}
        value={p.waybillNo}
        onChange={(e) => p.onWaybill(e.target.value)}
        required
        pattern="[A-Za-z0-9\-]{6,32}"
        error={p.waybillError ?? undefined}
      />
    </>
  );
}
