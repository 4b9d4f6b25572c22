import { useEffect, useState } from 'react';
import type { ServiceItem } from '@tongban/shared';
import { can, type CaseSide } from '@tongban/shared/cases/access';
import {
  itemStepsPath,
  MAX_STEP_DAYS,
  STEP_BY_CODE,
  type ItemStepsRequest,
  type ItemStepsView,
  type StepCode,
} from '@tongban/shared/cases/steps';
import { useAuth } from '../../auth/AuthContext';
import { api } from '../../api/client';
import { useApiData } from '../../api/useApiData';
import { localName } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, PageHeader, Select, TextField } from '../../ui';

/** One step as the form holds it: '' leaves the default. */
type Row = { days: string; side: '' | CaseSide };

const rowsOf = (view: ItemStepsView): Record<StepCode, Row> =>
  Object.fromEntries(
    view.steps.map((s) => [
      s.code,
      { days: s.source === 'item' && s.days !== s.default.days ? String(s.days) : '', side: s.side !== s.default.side ? s.side : '' },
    ]),
  ) as Record<StepCode, Row>;

/**
 * 环节时限设置: per catalogue item, the working days each step may take and the office that answers
 * for it — the defaults beside, an admin's own values over them (audited). Supervisors read it.
 */
export function StepLimitsPage() {
  const { t, lang, errorText } = useI18n();
  const { user } = useAuth();
  const editable = user ? can(user, 'catalog.editSteps') : false;
  const items = useApiData<{ items: ServiceItem[] }>('/api/catalog/items');
  const [code, setCode] = useState<string>('');
  const current = code || items.data?.items[0]?.code || '';
  const view = useApiData<ItemStepsView>(current ? itemStepsPath(current) : null);
  const [rows, setRows] = useState<Record<StepCode, Row> | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (view.data) setRows(rowsOf(view.data));
  }, [view.data]);

  const sideLabel = (side: CaseSide) => (side === 'intake' ? t('收件地窗口', 'intake window') : t('业务属地部门', 'handling office'));
  const change = (step: StepCode, patch: Partial<Row>) => {
    setSaved(false);
    setRows((rs) => (rs ? { ...rs, [step]: { ...rs[step], ...patch } } : rs));
  };
  const save = async () => {
    if (!rows || !current) return;
    setBusy(true);
    setError(undefined);
    try {
      const steps: ItemStepsRequest['steps'] = Object.entries(rows)
        .filter(([, r]) => r.days !== '' || r.side !== '')
        .map(([step, r]) => ({
          step: step as StepCode,
          days: r.days === '' ? null : Number(r.days),
          side: r.side === '' ? null : r.side,
        }));
      await api.put<ItemStepsView>(itemStepsPath(current), { steps });
      setSaved(true);
      view.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('环节时限设置', 'Step time limits')}
        subtitle={t('每个环节可用的工作日与负责单位，按事项设置', 'Working days per step and the office answering for it, per item')}
      />
      {(items.error ?? view.error) != null && <Alert tone="block">{errorText(items.error ?? view.error)}</Alert>}
      {items.data && (
        <Select
          label={t('事项', 'Item')}
          value={current}
          onChange={(e) => {
            setCode(e.target.value);
            setSaved(false);
            setError(undefined);
          }}
          options={items.data.items.map((i) => ({ value: i.code, label: `${localName(i, lang)}（${i.code}）` }))}
        />
      )}
      {view.data && rows && (
        <Card title={t('各环节时限', 'Limits of each step')}>
          <div className="table-wrap">
            <table className="data" data-testid="step-limits">
              <thead>
                <tr>
                  <th scope="col">{t('环节', 'Step')}</th>
                  <th scope="col">{t('时限（工作日）', 'Limit (working days)')}</th>
                  <th scope="col">{t('负责单位', 'Answers for it')}</th>
                  <th scope="col">{t('默认', 'Default')}</th>
                </tr>
              </thead>
              <tbody>
                {view.data.steps.map((s) => {
                  const label = STEP_BY_CODE[s.code].label[lang];
                  return (
                    <tr key={s.code} data-step={s.code}>
                      <th scope="row">
                        {label} {s.source === 'item' && <Badge tone="info">{t('本事项设置', 'set for this item')}</Badge>}
                      </th>
                      <td>
                        {editable ? (
                          <TextField
                            label={t(`${label}的时限`, `Limit of ${label}`)}
                            type="number"
                            min={0}
                            max={MAX_STEP_DAYS}
                            placeholder={String(s.default.days)}
                            value={rows[s.code].days}
                            onChange={(e) => change(s.code, { days: e.target.value })}
                          />
                        ) : (
                          t(`${s.days} 个工作日`, `${s.days} working days`)
                        )}
                      </td>
                      <td>
                        {editable ? (
                          <Select
                            label={t(`${label}的负责单位`, `Who answers for ${label}`)}
                            value={rows[s.code].side}
                            onChange={(e) => change(s.code, { side: e.target.value as Row['side'] })}
                            options={[
                              { value: '', label: t(`默认（${sideLabel(s.default.side)}）`, `default (${sideLabel(s.default.side)})`) },
                              { value: 'intake', label: sideLabel('intake') },
                              { value: 'handling', label: sideLabel('handling') },
                            ]}
                          />
                        ) : (
                          sideLabel(s.side)
                        )}
                      </td>
                      <td className="muted">
                        {t(
                          `${s.default.days} 个工作日，${sideLabel(s.default.side)}`,
                          `${s.default.days} working days, ${sideLabel(s.default.side)}`,
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {editable && (
            <>
              <p className="muted">
                {t(
                  '留空即用默认值。保存后，新到期日按此计算，正在进行的环节也按新时限重新判断是否超时；修改记入审计。',
                  'Leave a field empty for the default. Once saved, due dates (also of running steps) count on these limits; the change is audited.',
                )}
              </p>
              <div className="page-actions">
                <Button variant="primary" busy={busy} onClick={() => void save()}>
                  {t('保存环节时限', 'Save the limits')}
                </Button>
              </div>
            </>
          )}
          {saved && <Alert tone="ok">{t('已保存。', 'Saved.')}</Alert>}
          {error !== undefined && <Alert tone="block">{errorText(error)}</Alert>}
        </Card>
      )}
    </>
  );
}
