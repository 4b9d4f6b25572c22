import { useState } from 'react';
import { IDENTITY_STEPS, IDENTITY_STEP_LABELS, type IdentityStep, type LivenessPrompt } from '@tongban/shared/review/checklist';
import { DECISION_LABELS, type DecisionRequest, type ReviewSessionView } from '@tongban/shared/review/session';
import type { MaterialSpec } from '@tongban/shared';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, Select } from '../../ui';
import { IdPhotoCompare, type FaceSource } from './IdPhotoCompare';
import type { ReviewActions } from './reviewActions';

/** A material slot the reviewer may ask to be corrected. */
export type SlotChoice = Pick<MaterialSpec, 'code' | 'name'>;

export interface VideoSource {
  key: string;
  label: string;
}

/** Grabs the current frame of a video element at its full decoded resolution. */
export async function grabFrame(video: HTMLVideoElement): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const g = canvas.getContext('2d');
  if (!g || canvas.width === 0) throw new Error('video has no frame yet');
  g.drawImage(video, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', 0.95));
}

/**
 * The reviewer's side panel: consent first, the identity checklist with the server's random
 * liveness prompt and an ID-photo comparison, evidence snapshots, and the decision. Where the
 * session lives (this site, or a peer site's call joined with a grant) is `actions`' business.
 */
export function ReviewerTools({
  actions,
  session,
  sources,
  frameOf,
  faces,
  materials,
}: {
  actions: ReviewActions;
  session: ReviewSessionView;
  sources: VideoSource[];
  frameOf(key: string): HTMLVideoElement | undefined;
  /** Remote cameras that may show the applicant's face, the applicant's own first. */
  faces: FaceSource[];
  materials: SlotChoice[];
}) {
  const { t, lang, errorText } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notes, setNotes] = useState<Partial<Record<IdentityStep, string>>>({});
  const [prompt, setPrompt] = useState<LivenessPrompt | null>(session.liveness ?? null);
  const [source, setSource] = useState('');
  const [label, setLabel] = useState('id_front');
  const [outcome, setOutcome] = useState<DecisionRequest['outcome']>('accept');
  const [reason, setReason] = useState('');
  const [slots, setSlots] = useState<string[]>([]);
  const [retrying, setRetrying] = useState(false);
  const open = session.status === 'active';

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const latest = (step: IdentityStep) => [...session.checks].reverse().find((c) => c.step === step);
  const chosen = source || sources[0]?.key || '';

  const snapshot = () =>
    act(async () => {
      const video = frameOf(chosen);
      if (!video) throw new Error(t('请选择要截图的画面', 'Pick a video to capture'));
      await actions.snapshot(await grabFrame(video), label);
    });

  const decide = () =>
    act(async () => {
      const body: DecisionRequest =
        outcome === 'accept'
          ? { outcome, ...(reason ? { note: reason } : {}) }
          : outcome === 'reject'
            ? { outcome, reason }
            : {
                outcome,
                items: slots.map((slotCode) => ({ slotCode, reason: reason || t('请按要求补正', 'Please correct as required') })),
                ...(reason ? { note: reason } : {}),
              };
      setRetrying((await actions.decide(body))?.delivery === 'retrying');
    });

  if (session.decision) {
    return (
      <Card title={t('审查结论', 'Decision')}>
        <p data-testid="decision-made">
          <Badge tone={session.decision.outcome === 'accept' ? 'ok' : 'warn'}>
            {t(DECISION_LABELS[session.decision.outcome].zh, DECISION_LABELS[session.decision.outcome].en)}
          </Badge>
        </p>
      </Card>
    );
  }

  return (
    <>
      {error !== null && <Alert tone="block">{errorText(error)}</Alert>}
      <Card title={t('第一步：征得同意', 'Step 1: consent')}>
        {session.consent ? (
          <p data-testid="consent-recorded">
            {t('已记录同意：', 'Consent recorded: ')}
            {session.consent.snapshotsAllowed ? t('允许截图', 'snapshots allowed') : t('不允许截图', 'no snapshots')}
            {' · '}
            {session.consent.recordingAllowed ? t('允许录像', 'recording allowed') : t('不允许录像', 'no recording')}
          </p>
        ) : (
          <>
            <p>
              {t(
                '请向申请人说明：本次视频核验可截取画面、全程录像，作为办件证据存档。按对方同意的范围点击下方按钮。',
                'Tell the applicant that snapshots and a recording of this video check may be kept as evidence. Click what they agree to.',
              )}
            </p>
            {!session.recordingAvailability.available && (
              <div data-testid="recording-unavailable">
                <Alert tone="warn">
                  {session.recordingAvailability.reason === 'disabled'
                    ? t('本站点已关闭录像，本次核验不录像。', 'Recording is switched off at this site; this check is not recorded.')
                    : t(
                        '本站点未安装录像组件 FFmpeg，本次核验不能录像。请管理员运行 apt-get install ffmpeg 后重启服务。',
                        'FFmpeg is not installed at this site, so this check cannot be recorded. Ask the administrator to run apt-get install ffmpeg and restart.',
                      )}
                </Alert>
              </div>
            )}
            <div className="card-actions">
              {session.recordingAvailability.available && (
                <Button
                  variant="primary"
                  busy={busy}
                  disabled={!open}
                  onClick={() => void act(() => actions.consent({ recordingAllowed: true, snapshotsAllowed: true }))}
                >
                  {t('申请人同意录像和截图', 'Applicant agrees to recording and snapshots')}
                </Button>
              )}
              <Button
                variant={session.recordingAvailability.available ? 'secondary' : 'primary'}
                busy={busy}
                disabled={!open}
                onClick={() => void act(() => actions.consent({ recordingAllowed: false, snapshotsAllowed: true }))}
              >
                {t('申请人同意截图取证', 'Applicant agrees to snapshots')}
              </Button>
              <Button
                busy={busy}
                disabled={!open}
                onClick={() => void act(() => actions.consent({ recordingAllowed: false, snapshotsAllowed: false }))}
              >
                {t('仅同意视频核验，不截图', 'Video check only, no snapshots')}
              </Button>
            </div>
            {session.recordingAvailability.available && (
              <p className="muted">
                {t(
                  '如申请人同意录像，通话将全程录像并作为办件证据保存；所有参会人画面上会显示“录像中”。',
                  'If the applicant agrees to recording, the whole call is recorded and kept as evidence; everyone sees “录像中”.',
                )}
              </p>
            )}
          </>
        )}
      </Card>

      <Card title={t('第二步：身份核验', 'Step 2: identity checks')}>
        <IdPhotoCompare load={actions.idPhoto} faces={faces} />
        <ol className="checklist">
          {IDENTITY_STEPS.map((step) => {
            const r = latest(step);
            const l = IDENTITY_STEP_LABELS[step];
            return (
              <li key={step} data-step={step}>
                <strong>{t(l.zh, l.en)}</strong>{' '}
                {r && <Badge tone={r.passed ? 'ok' : 'block'}>{r.passed ? t('通过', 'passed') : t('未通过', 'failed')}</Badge>}
                <p className="muted">{t(l.hintZh, l.hintEn)}</p>
                {step === 'liveness' && (
                  <div>
                    <Button
                      busy={busy}
                      disabled={!open || !session.consent}
                      onClick={() => void act(async () => setPrompt(await actions.liveness()))}
                    >
                      {t('生成随机口令', 'New random prompt')}
                    </Button>
                    {prompt && (
                      <p className="liveness-prompt" data-testid="liveness-prompt">
                        {lang === 'zh' ? prompt.textZh : prompt.textEn}
                      </p>
                    )}
                  </div>
                )}
                <input
                  className="input"
                  aria-label={t(`${l.zh} 备注`, `${l.en} note`)}
                  placeholder={t('备注（可选）', 'Note (optional)')}
                  value={notes[step] ?? ''}
                  onChange={(e) => setNotes({ ...notes, [step]: e.target.value })}
                />
                <div className="card-actions">
                  <Button
                    busy={busy}
                    disabled={!open || !session.consent}
                    onClick={() => void act(() => actions.check({ step, passed: true, note: notes[step] ?? '' }))}
                  >
                    {t('通过', 'Pass')}
                  </Button>
                  <Button
                    busy={busy}
                    disabled={!open || !session.consent}
                    onClick={() => void act(() => actions.check({ step, passed: false, note: notes[step] ?? '' }))}
                  >
                    {t('不通过', 'Fail')}
                  </Button>
                </div>
              </li>
            );
          })}
        </ol>
      </Card>

      <Card title={t('截图取证', 'Evidence snapshots')}>
        <Select
          label={t('截取画面', 'Video to capture')}
          value={chosen}
          onChange={(e) => setSource(e.target.value)}
          options={sources.map((s) => ({ value: s.key, label: s.label }))}
        />
        <Select
          label={t('截图内容', 'What it shows')}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          options={[
            { value: 'id_front', label: t('身份证正面', 'ID front') },
            { value: 'id_back', label: t('身份证背面', 'ID back') },
            { value: 'face', label: t('申请人面部', 'Applicant face') },
            { value: 'document', label: t('纸质原件', 'Paper original') },
          ]}
        />
        <Button
          variant="primary"
          busy={busy}
          disabled={!open || !session.consent?.snapshotsAllowed || !chosen}
          onClick={() => void snapshot()}
        >
          {t('截图', 'Take snapshot')}
        </Button>
        <ul className="snapshots" data-testid="snapshots">
          {session.snapshots.map((s) => (
            <li key={s.id}>
              {actions.snapshotUrl ? (
                <a href={actions.snapshotUrl(s.id)} target="_blank" rel="noreferrer">
                  <img src={actions.snapshotUrl(s.id)} alt={s.label} width={120} />
                </a>
              ) : (
                // Kept as evidence at the intake site, with the case.
                <span>{s.label} </span>
              )}
              <span className="muted">
                {s.width}×{s.height}
              </span>
            </li>
          ))}
        </ul>
      </Card>

      <Card title={t('第三步：审查结论', 'Step 3: decision')}>
        <Select
          label={t('结论', 'Outcome')}
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as DecisionRequest['outcome'])}
          options={(['accept', 'request_correction', 'reject'] as const).map((o) => ({
            value: o,
            label: t(DECISION_LABELS[o].zh, DECISION_LABELS[o].en),
          }))}
        />
        {outcome === 'request_correction' && (
          <fieldset>
            <legend>{t('需要补正的材料', 'Materials to correct')}</legend>
            {materials.map((m) => (
              <label key={m.code} className="check-row">
                <input
                  type="checkbox"
                  checked={slots.includes(m.code)}
                  onChange={(e) => setSlots(e.target.checked ? [...slots, m.code] : slots.filter((s) => s !== m.code))}
                />
                {m.name}
              </label>
            ))}
          </fieldset>
        )}
        <label className="field">
          <span>{outcome === 'accept' ? t('备注（可选）', 'Note (optional)') : t('理由（必填）', 'Reason (required)')}</span>
          <textarea className="input" value={reason} onChange={(e) => setReason(e.target.value)} rows={3} />
        </label>
        <Button
          variant="primary"
          busy={busy}
          disabled={!open || (outcome !== 'accept' && !reason.trim()) || (outcome === 'request_correction' && slots.length === 0)}
          onClick={() => void decide()}
        >
          {t('提交审查结论', 'Submit decision')}
        </Button>
        {retrying && (
          <p className="muted" data-testid="decision-retrying">
            {t(
              '审查结论已在本站记录，受理站点暂不可达，正在重试送达',
              'The decision is recorded here; the intake site is unreachable for now and delivery is being retried',
            )}
          </p>
        )}
      </Card>
    </>
  );
}
