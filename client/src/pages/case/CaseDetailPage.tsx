import { Component, lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { CASE_STATE_LABELS, type CaseAuditResponse, type CaseDetailResponse, type CaseState } from '@tongban/shared';
import { CASE_CHANGE_LABELS, type CaseChangedEvent } from '@tongban/shared/cases/caseEvents';
import { can, canSeeFullIdentity } from '@tongban/shared/cases/access';
import { nextStep, type CaseSection, type NextStep, type ReviewPhase } from '@tongban/shared/cases/nextStep';
import type { ReviewSessionView } from '@tongban/shared/review/session';
import { useApiData } from '../../api/useApiData';
import { useCaseChanges } from '../../api/caseChanges';
import { useOffices } from '../../api/reference';
import { useAuth } from '../../auth/AuthContext';
import { Deadline } from '../../components/Deadline';
import { MaterialsChecklist } from '../../components/materials/MaterialsChecklist';
import type { CasePanelProps } from '../../features/panelProps';
import { formatDateTime, localName } from '../../format';
import { useI18n, type I18n } from '../../i18n';
import { Alert, PageHeader, StateBadge } from '../../ui';
import { CorrectionNoticeCard } from '../../features/correction/CorrectionNoticeCard';
import { RetentionCard } from '../../features/retention/RetentionCard';
import { CaseStepsCard } from '../../features/steps/CaseStepsCard';
import { OriginalCheck } from '../../features/originals/OriginalCheck';
import { useCaseAnnotations } from '../../features/annotations/useCaseAnnotations';
import { SignatureCard } from '../../features/signature/SignatureCard';
import { AuditTrail } from './AuditTrail';
import { ApplicantIdRow, CaseIntakeDetails } from './CaseIntakeDetails';
import { Fact } from './Fact';
import { CaseActions } from './CaseActions';
import { CaseSection as Section } from './CaseSection';
import { MaterialsViewer } from './MaterialsViewer';
import { NextAction } from './NextAction';
import { StepBar } from './StepBar';

// Feature panels owned by other teams; each gets the same props.
const PrecheckPanel = lazy(() => import('../../features/precheck/PrecheckPanel'));
const ReviewPanel = lazy(() => import('../../features/call/ReviewPanel'));
const HandoffPanel = lazy(() => import('../../features/handoff/HandoffPanel'));

function reviewPhase(session: ReviewSessionView | null): ReviewPhase {
  return session?.status === 'waiting' ? 'waiting' : session?.status === 'active' ? 'active' : 'none';
}

/**
 * The case workspace: where the case stands (the step bar), the one thing this user does next,
 * the case's facts, and its sections — materials, pre-check, co-review, handoff, audit trail —
 * each opened on demand; the one the next step is about opens by itself.
 */
export function CaseDetailPage() {
  const { id = '' } = useParams();
  const { t, lang, errorText } = useI18n();
  const { user } = useAuth();
  const { officeName, siteName } = useOffices();
  const detail = useApiData<CaseDetailResponse>(`/api/cases/${encodeURIComponent(id)}`);
  const audit = useApiData<CaseAuditResponse>(`/api/cases/${encodeURIComponent(id)}/audit`);
  const state = detail.data?.case.state;
  // Only in review does the next step depend on the session (接单, 进入视频会审, or a new request).
  const review = useApiData<{ session: ReviewSessionView | null }>(
    state === 'in_review' ? `/api/cases/${encodeURIComponent(id)}/review` : null,
  );
  const { reload: reloadDetail } = detail;
  const { reload: reloadAudit } = audit;
  const { reload: reloadReview } = review;
  const onChanged = useCallback(() => {
    reloadDetail();
    reloadAudit();
    reloadReview();
  }, [reloadDetail, reloadAudit, reloadReview]);
  // Changes made elsewhere (the other office, a peer site, the applicant's phone) arrive live.
  const [liveNotice, setLiveNotice] = useState('');
  useCaseChanges(id, (e) => {
    // A pre-check change leaves the case and its materials as they were (the panel reloads the pre-check itself).
    if (!e || e.kinds.some((k) => k !== 'precheck')) reloadDetail();
    if (!e || e.kinds.includes('review') || e.kinds.includes('state')) reloadReview();
    reloadAudit();
    if (e && e.byUserId !== user?.id) setLiveNotice(changeNotice(e, t));
  });

  // The co-review’s marks on the materials: read again when the case moves on (the call ended with a decision).
  const annotations = useCaseAnnotations(id, state);

  const phase: ReviewPhase | undefined = state !== 'in_review' ? 'none' : review.data ? reviewPhase(review.data.session) : undefined;
  const step: NextStep | undefined = detail.data && user && phase ? nextStep(user, detail.data.case, phase) : undefined;

  const [open, setOpen] = useState<ReadonlySet<CaseSection>>(new Set());
  const toggles = useRef<Partial<Record<CaseSection, HTMLButtonElement | null>>>({});
  const openSection = useCallback((s: CaseSection) => setOpen((o) => (o.has(s) ? o : new Set(o).add(s))), []);
  // The section the next step is about opens whenever the step changes; the others stay as the user left them.
  const stepKey = step ? `${step.kind}:${step.kind === 'act' ? step.action : ''}:${state}` : '';
  const stepSection = step?.section ?? null;
  useEffect(() => {
    if (stepSection) openSection(stepSection);
  }, [stepKey, stepSection, openSection]);
  const toggle = (s: CaseSection) =>
    setOpen((o) => {
      const n = new Set(o);
      if (!n.delete(s)) n.add(s);
      return n;
    });
  /** For a next step whose form is in a section: open it and take the user there. */
  const reveal = (s: CaseSection) => {
    openSection(s);
    requestAnimationFrame(() => {
      const el = toggles.current[s];
      el?.scrollIntoView({ block: 'start' });
      el?.focus();
    });
  };

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
  const primary = step?.kind === 'act' ? step.transition : undefined;
  const canSeeFiles = user ? canSeeFullIdentity(user, c) : false;
  // The panels get the transitions left once the next-step button has taken its own.
  const panelProps: CasePanelProps = {
    caseView: c,
    materials,
    item,
    allowedActions: allowedActions.filter((a) => a !== primary),
    canSeeFiles,
    onChanged,
  };
  const canUpload = user ? can(user, 'materials.upload', c) : false;
  const events = audit.data?.events ?? [];
  const withdrawnFrom = events.findLast((e) => e.action === 'case.withdraw')?.details.from as CaseState | undefined;
  const sectionProps = (s: CaseSection) => ({
    name: s,
    open: open.has(s),
    onToggle: () => toggle(s),
    ref: (el: HTMLButtonElement | null) => {
      toggles.current[s] = el;
    },
  });

  return (
    <>
      <PageHeader title={<span className="mono">{c.caseNo}</span>} subtitle={c.itemName} actions={<StateBadge state={c.state} />} />
      <div role="status" aria-live="polite">
        {liveNotice && <p className="alert alert-info">{liveNotice}</p>}
      </div>

      <section className="card case-workspace" aria-label={t('下一步', 'Next step')}>
        <StepBar state={c.state} withdrawnFrom={withdrawnFrom} />
        {step ? (
          <NextAction
            step={step}
            caseView={c}
            sessionId={review.data?.session?.id}
            onChanged={onChanged}
            onReveal={reveal}
            key={`${c.state}:${phase ?? ''}`}
          />
        ) : (
          <p className="muted">{t('正在加载…', 'Loading…')}</p>
        )}
        <div className="case-secondary">
          <CaseActions caseId={c.id} allowedActions={allowedActions} primary={primary} onChanged={onChanged} />
          {user && can(user, 'case.receipt', c) && (
            <a className="btn btn-secondary" href={`/api/cases/${encodeURIComponent(c.id)}/receipt.pdf`} target="_blank" rel="noreferrer">
              {t('打印收件回执', 'Print the receipt')}
            </a>
          )}
        </div>
        {detail.error != null && <Alert tone="warn">{errorText(detail.error)}</Alert>}
        {review.error != null && <Alert tone="warn">{errorText(review.error)}</Alert>}
      </section>

      <section className="card" aria-label={t('办件信息', 'Case')}>
        <dl className="case-facts">
          <Fact label={t('申请人', 'Applicant')}>{c.applicant.name}</Fact>
          <ApplicantIdRow person={c.applicant} />
          <Fact label={t('联系电话', 'Phone')}>
            <span className="mono">{c.applicant.phone ?? c.applicant.phoneMasked}</span>
          </Fact>
          {c.company && (
            <Fact label={t('企业', 'Company')}>
              {c.company.name} <span className="mono">{c.company.uscc}</span>
            </Fact>
          )}
          <CaseIntakeDetails c={c} />
          <Fact label={t('事项', 'Service item')}>
            {localName(item, lang)} <span className="muted mono">{item.code}</span>
          </Fact>
          <Fact label={t('收件窗口', 'Intake window')}>{officeName(c.intakeOfficeId)}</Fact>
          <Fact label={t('实施机关', 'Handling office')}>{officeName(c.handlingOfficeId)}</Fact>
          <Fact label={t('收件时间', 'Received')}>{formatDateTime(c.createdAt, lang)}</Fact>
          <Fact label={t('办结时限', 'Deadline')}>
            <Deadline c={c} />{' '}
            <span className="muted">({t(`法定时限 ${item.timeLimitDays} 个工作日`, `time limit ${item.timeLimitDays} working days`)})</span>
          </Fact>
        </dl>
      </section>

      {user && can(user, 'correction.notice', c) && <CorrectionNoticeCard caseView={c} materials={detail.data.materials} />}
      <CaseStepsCard caseView={c} />
      <SignatureCard caseView={c} />

      <Section
        title={t('申请材料', 'Materials')}
        summary={t(`已收 ${materials.length} 份`, `${materials.length} received`)}
        {...sectionProps('materials')}
      >
        <MaterialsChecklist
          caseId={c.id}
          item={item}
          materials={materials}
          replaced={detail.data.replacedMaterials}
          onUploaded={reloadDetail}
          canUpload={canUpload}
          fileExtra={(m) => <OriginalCheck material={m} caseView={c} defaultMethod="window_paper" onChanged={reloadDetail} />}
        />
        {canSeeFiles ? (
          <MaterialsViewer materials={materials} item={item} annotations={annotations} />
        ) : (
          <Alert tone="info">
            {t(
              '扫描件、截图、录像和转递包载有申请人的完整身份信息，只有办件的收件和审核单位可以查看；此处显示脱敏后的办件信息。',
              'Scans, snapshots, recordings and bags carry the applicant’s full identity, so only the intake and handling offices may open them; this page shows the case masked.',
            )}
          </Alert>
        )}
      </Section>
      <Section title={t('智能预审', 'Pre-check')} {...sectionProps('precheck')}>
        <PanelSlot name={t('智能预审', 'Pre-check')}>
          <PrecheckPanel {...panelProps} />
        </PanelSlot>
      </Section>
      <Section title={t('视频会审', 'Video co-review')} {...sectionProps('review')}>
        <PanelSlot name={t('视频会审', 'Video co-review')}>
          <ReviewPanel {...panelProps} />
        </PanelSlot>
      </Section>
      <Section title={t('转递与办结', 'Handoff and result')} {...sectionProps('handoff')}>
        <PanelSlot name={t('转递与办结', 'Handoff')}>
          <HandoffPanel {...panelProps} />
        </PanelSlot>
      </Section>
      <Section
        title={t('责任追溯记录', 'Audit trail')}
        summary={t(`共 ${events.length} 条`, `${events.length} events`)}
        {...sectionProps('audit')}
      >
        {audit.error ? (
          <Alert tone="block">{errorText(audit.error)}</Alert>
        ) : (
          <AuditTrail events={events} actorNames={audit.data?.actorNames ?? {}} item={item} names={{ officeName, siteName }} />
        )}
      </Section>
      <RetentionCard caseView={c} />
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

/** A feature panel; if it fails to load or crashes, the rest of the page keeps working. */
function PanelSlot({ name, children }: { name: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <PanelBoundary
      fallback={
        <Alert tone="warn">
          {t(`“${name}”模块暂时无法显示，请刷新页面重试。`, `The "${name}" panel cannot be shown; reload the page.`)}
        </Alert>
      }
    >
      <Suspense fallback={<p className="muted">{t('正在加载…', 'Loading…')}</p>}>{children}</Suspense>
    </PanelBoundary>
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
