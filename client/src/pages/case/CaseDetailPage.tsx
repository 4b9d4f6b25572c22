import { Component, lazy, Suspense, useCallback, useState, type ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { CASE_STATE_LABELS, type AuditEvent, type CaseDetailResponse } from '@tongban/shared';
import { CASE_CHANGE_LABELS, type CaseChangedEvent } from '@tongban/shared/cases/caseEvents';
import { can, canSeeFullIdentity } from '@tongban/shared/cases/access';
import { useApiData } from '../../api/useApiData';
import { useCaseChanges } from '../../api/caseChanges';
import { useOffices } from '../../api/reference';
import { useAuth } from '../../auth/AuthContext';
import { Deadline } from '../../components/Deadline';
import { MaterialsChecklist } from '../../components/materials/MaterialsChecklist';
import type { CasePanelProps } from '../../features/panelProps';
import { formatDateTime, localName } from '../../format';
import { useI18n, type I18n } from '../../i18n';
import { Alert, Card, PageHeader, StateBadge } from '../../ui';
import { CorrectionNoticeCard } from '../../features/correction/CorrectionNoticeCard';
import { AuditTrail } from './AuditTrail';
import { CaseActions } from './CaseActions';
import { ApplicantIdRow, CaseIntakeDetails } from './CaseIntakeDetails';
import { MaterialsViewer } from './MaterialsViewer';

// Feature panels owned by other teams; each gets the same props.
const PrecheckPanel = lazy(() => import('../../features/precheck/PrecheckPanel'));
const ReviewPanel = lazy(() => import('../../features/call/ReviewPanel'));
const HandoffPanel = lazy(() => import('../../features/handoff/HandoffPanel'));

export function CaseDetailPage() {
  const { id = '' } = useParams();
  const { t, lang, errorText } = useI18n();
  const { user } = useAuth();
  const { officeName, siteName } = useOffices();
  const detail = useApiData<CaseDetailResponse>(`/api/cases/${encodeURIComponent(id)}`);
  const audit = useApiData<{ events: AuditEvent[] }>(`/api/cases/${encodeURIComponent(id)}/audit`);
  const reloadDetail = detail.reload;
  const reloadAudit = audit.reload;
  const onChanged = useCallback(() => {
    reloadDetail();
    reloadAudit();
  }, [reloadDetail, reloadAudit]);
  // Changes made elsewhere (the other office, a peer site, the applicant's phone) arrive live.
  const [liveNotice, setLiveNotice] = useState('');
  useCaseChanges(id, (e) => {
    // A pre-check change leaves the case and its materials as they were (the panel reloads the pre-check itself).
    if (!e || e.kinds.some((k) => k !== 'precheck')) reloadDetail();
    reloadAudit();
    if (e && e.byUserId !== user?.id) setLiveNotice(changeNotice(e, t));
  });

  if (detail.error && !detail.data)
    return (
      <Alert tone="block" title={t('无法打开办件', 'Cannot open the case')}>
        {errorText(detail.error)}
      </Alert>
    );
  if (!detail.data)
    return (
      <p className="muted" role="status">
        {t('正在加载办件…', 'Loading the case…')}
      </p>
    );

  const { case: c, materials, allowedActions, item } = detail.data;
  const canSeeFiles = user ? canSeeFullIdentity(user, c) : false;
  const panelProps: CasePanelProps = { caseView: c, materials, item, allowedActions, canSeeFiles, onChanged };
  const canUpload = user ? can(user, 'materials.upload', c) : false;

  return (
    <>
      <PageHeader title={<span className="mono">{c.caseNo}</span>} subtitle={c.itemName} actions={<StateBadge state={c.state} />} />
      <div role="status" aria-live="polite">
        {liveNotice && <p className="alert alert-info">{liveNotice}</p>}
      </div>
      <div className="grid-2">
        <Card title={t('办件信息', 'Case')}>
          <dl className="kv">
            <dt>{t('申请人', 'Applicant')}</dt>
            <dd>{c.applicant.name}</dd>
            <ApplicantIdRow person={c.applicant} />
            <dt>{t('联系电话', 'Phone')}</dt>
            <dd className="mono">{c.applicant.phone ?? c.applicant.phoneMasked}</dd>
            {c.company && (
              <>
                <dt>{t('企业', 'Company')}</dt>
                <dd>
                  {c.company.name}
                  <br />
                  <span className="mono">{c.company.uscc}</span>
                </dd>
              </>
            )}
            <CaseIntakeDetails c={c} />
            <dt>{t('事项', 'Service item')}</dt>
            <dd>
              {localName(item, lang)} <span className="muted mono">{item.code}</span>
            </dd>
            <dt>{t('收件窗口', 'Intake window')}</dt>
            <dd>{officeName(c.intakeOfficeId)}</dd>
            <dt>{t('实施机关', 'Handling office')}</dt>
            <dd>{officeName(c.handlingOfficeId)}</dd>
            <dt>{t('收件时间', 'Received')}</dt>
            <dd>{formatDateTime(c.createdAt, lang)}</dd>
            <dt>{t('办结时限', 'Deadline')}</dt>
            <dd>
              <Deadline c={c} />{' '}
              <span className="muted">
                ({t(`法定时限 ${item.timeLimitDays} 个工作日`, `time limit ${item.timeLimitDays} working days`)})
              </span>
            </dd>
          </dl>
        </Card>
        <Card title={t('办理操作', 'Actions')}>
          <CaseActions caseId={c.id} allowedActions={allowedActions} onChanged={onChanged} />
          {user && can(user, 'case.receipt', c) && (
            <a className="btn btn-secondary" href={`/api/cases/${encodeURIComponent(c.id)}/receipt.pdf`} target="_blank" rel="noreferrer">
              {t('打印收件回执', 'Print the receipt')}
            </a>
          )}
          {detail.error != null && <Alert tone="warn">{errorText(detail.error)}</Alert>}
        </Card>
      </div>

      {user && can(user, 'correction.notice', c) && <CorrectionNoticeCard caseView={c} />}

      <Card title={t('申请材料', 'Materials')}>
        <MaterialsChecklist
          caseId={c.id}
          item={item}
          materials={materials}
          replaced={detail.data.replacedMaterials}
          onUploaded={reloadDetail}
          canUpload={canUpload}
        />
        {canSeeFiles ? (
          <MaterialsViewer materials={materials} item={item} />
        ) : (
          <Alert tone="info">
            {t(
              '扫描件、截图、录像和转递包载有申请人的完整身份信息，只有办件的收件和审核单位可以查看；此处显示脱敏后的办件信息。',
              'Scans, snapshots, recordings and bags carry the applicant’s full identity, so only the intake and handling offices may open them; this page shows the case masked.',
            )}
          </Alert>
        )}
      </Card>

      <PanelSlot name={t('智能预审', 'Pre-check')}>
        <PrecheckPanel {...panelProps} />
      </PanelSlot>
      <PanelSlot name={t('视频会审', 'Video co-review')}>
        <ReviewPanel {...panelProps} />
      </PanelSlot>
      <PanelSlot name={t('转递与办结', 'Handoff')}>
        <HandoffPanel {...panelProps} />
      </PanelSlot>

      <Card title={t('责任追溯记录', 'Audit trail')}>
        {audit.error ? (
          <Alert tone="block">{errorText(audit.error)}</Alert>
        ) : (
          <AuditTrail events={audit.data?.events ?? []} names={{ officeName, siteName }} />
        )}
      </Card>
    </>
  );
}

/** What the live notice says: the new state after a transition, otherwise what changed (申请材料已更新, 预审结果已更新, …). */
function changeNotice(e: CaseChangedEvent, t: I18n['t']): string {
  if (e.kinds.includes('state')) {
    const label = CASE_STATE_LABELS[e.state];
    return t(`办件已更新：${label.zh}`, `Case updated: ${label.en}`);
  }
  const labels = e.kinds.flatMap((k) => (k === 'state' ? [] : [CASE_CHANGE_LABELS[k]]));
  return t(labels.map((l) => l.zh).join('；'), labels.map((l) => l.en).join('; '));
}

/** A feature panel in its own card; if it fails to load or crashes, the rest of the page keeps working. */
function PanelSlot({ name, children }: { name: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="card">
      <PanelBoundary
        fallback={
          <Alert tone="warn">
            {t(`“${name}”模块暂时无法显示，请刷新页面重试。`, `The "${name}" panel cannot be shown; reload the page.`)}
          </Alert>
        }
      >
        <Suspense fallback={<p className="muted">{t('正在加载…', 'Loading…')}</p>}>{children}</Suspense>
      </PanelBoundary>
    </div>
  );
}

class PanelBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown) {
    console.warn('case panel failed', error);
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
