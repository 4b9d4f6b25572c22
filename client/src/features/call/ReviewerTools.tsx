import { useEffect, useId, useRef, useState } from 'react';
import { IDENTITY_STEPS, IDENTITY_STEP_LABELS, type IdentityStep, type LivenessPrompt } from '@tongban/shared/review/checklist';
import type { ReviewSessionView } from '@tongban/shared/review/session';
import type { CaptureSize, MediaSource } from '@tongban/shared/signalling/events';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, InlineError, Select } from '../../ui';
import { IdPhotoCompare, type FaceSource } from './IdPhotoCompare';
import type { ReviewActions } from './reviewActions';
import { RtcError } from './rtc/signalling';

/** A remote video the reviewer may capture: named by the participant's role (申请人 · 摄像头). */
export interface VideoSource extends FaceSource {
  consumerId: string;
  source: MediaSource;
  /** The size its sender captures it at: a snapshot waits until frames of that size arrive. */
  captureSize?: CaptureSize;
}

/**
 * How long a snapshot waits for the source's full resolution: a simulcast camera reaches the SFU
 * in three sizes, and the SFU moves a receiver up to the largest as the sender's uplink and our
 * downlink allow (the other videos are held meanwhile, see `focus`). A sender's estimate may take
 * half a minute to climb that far on a busy machine; the reviewer sees the wait and may cancel it.
 */
const FULL_RESOLUTION_WAIT_MS = 60_000;
/** Frames of at least this share of the capture size's pixels count as full resolution (encoders may crop a few rows; layers differ by 4×). */
const FULL_RESOLUTION_SHARE = 0.9;

/** Whether `video` shows frames of (about) `size`, its sender's capture size. */
const atSize = (video: HTMLVideoElement, size: CaptureSize | undefined) =>
  video.videoWidth > 0 && (!size || video.videoWidth * video.videoHeight >= FULL_RESOLUTION_SHARE * size.width * size.height);

const sizeText = (size: { width: number; height: number }) => `${size.width}×${size.height}`;

/** A snapshot waiting for its source's full resolution: the size shown now and the one awaited. */
interface SnapshotWait {
  now: string;
  want: string;
}

/**
 * Resolves with 'full' once `video` is at `size`, with 'timeout' after FULL_RESOLUTION_WAIT_MS or
 * 'cancelled' when `signal` aborts; `onSize` hears each size it passes through meanwhile.
 */
function reachesSize(
  video: HTMLVideoElement,
  size: CaptureSize | undefined,
  onSize: () => void,
  signal: AbortSignal,
): Promise<'full' | 'timeout' | 'cancelled'> {
  return new Promise((resolve) => {
    if (atSize(video, size)) return resolve('full');
    const check = () => (atSize(video, size) ? done('full') : onSize());
    const cancelled = () => done('cancelled');
    const timer = setTimeout(() => done('timeout'), FULL_RESOLUTION_WAIT_MS);
    const done = (end: 'full' | 'timeout' | 'cancelled') => {
      clearTimeout(timer);
      video.removeEventListener('resize', check);
      signal.removeEventListener('abort', cancelled);
      resolve(end);
    };
    video.addEventListener('resize', check);
    signal.addEventListener('abort', cancelled);
    if (signal.aborted) cancelled();
  });
}

/**
 * A frame of `source` at its sender's capture size, as JPEG: drawn from a video element of its own
 * (never from a tile, whatever size that is drawn at) once the SFU forwards the largest layer —
 * with the downlink given to this video (`focus`) while it is not there yet. Null when the
 * reviewer cancelled the wait.
 */
async function fullResolutionFrame(
  source: VideoSource,
  focus: Focus,
  onWait: (wait: SnapshotWait | null) => void,
  signal: AbortSignal,
): Promise<Blob | null> {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = new MediaStream([source.track]);
  const size = source.captureSize;
  const wait = () => ({ now: sizeText({ width: video.videoWidth, height: video.videoHeight }), want: size ? sizeText(size) : '' });
  try {
    await video.play();
    // A help, not a must: without it the wait may just take longer.
    const restore = atSize(video, size) ? undefined : await focus(source.consumerId).catch(() => undefined);
    try {
      onWait(wait());
      const end = await reachesSize(video, size, () => onWait(wait()), signal);
      if (end === 'cancelled') return null;
      if (end === 'timeout') {
        const { now, want } = wait();
        throw new RtcError({
          code: 'SNAPSHOT_NOT_FULL_RESOLUTION',
          message_zh: `对方画面尚未达到原始清晰度（当前 ${now}，原始 ${want}），可能是网络较慢；请稍后再截图`,
          message_en: `The video has not reached its full resolution yet (now ${now}, source ${want}), perhaps a slow network; try again shortly`,
        });
      }
      return await jpegOf(video);
    } finally {
      onWait(null);
      void restore?.();
    }
  } finally {
    video.srcObject = null;
  }
}

/** The current frame of `video` at its decoded resolution. */
async function jpegOf(video: HTMLVideoElement): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('no 2d canvas');
  g.drawImage(video, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', 0.95));
}

/** Gives a consumer the downlink (the other videos held) until the returned function is called. */
type Focus = (consumerId: string) => Promise<() => Promise<void>>;

/** Which control a problem belongs to, so it is shown beside that control. */
/** `prompt`: asking for a liveness prompt (the step itself is `liveness`). */
type Control = 'consent' | 'prompt' | 'snapshot' | IdentityStep;

/**
 * The reviewer's verification steps: consent first, the identity checklist with the server's
 * random liveness prompt and an ID-photo comparison, and evidence snapshots. Where the session
 * lives (this site, or a peer site's call joined with a grant) is `actions`' business.
 */
export function ReviewerTools({
  actions,
  session,
  sources,
  focus,
}: {
  actions: ReviewActions;
  session: ReviewSessionView;
  /** The remote videos, the applicant's first. */
  sources: VideoSource[];
  focus: Focus;
}) {
  const { t, lang, errorText } = useI18n();
  const ids = useId();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Control, unknown>>>({});
  const [notes, setNotes] = useState<Partial<Record<IdentityStep, string>>>({});
  const [prompt, setPrompt] = useState<LivenessPrompt | null>(session.liveness ?? null);
  const [picked, setPicked] = useState('');
  const [label, setLabel] = useState('id_front');
  const [waiting, setWaiting] = useState<SnapshotWait | null>(null);
  const snapshotWait = useRef<AbortController | null>(null);
  useEffect(() => () => snapshotWait.current?.abort(), []);
  const open = session.status === 'active';

  const act = async (control: Control, fn: () => Promise<unknown>) => {
    setBusy(true);
    setErrors((e) => ({ ...e, [control]: undefined }));
    try {
      await fn();
    } catch (e) {
      setErrors((x) => ({ ...x, [control]: e }));
    } finally {
      setBusy(false);
    }
  };
  const errorId = (control: Control) => `${ids}-${control}-error`;
  const describedBy = (control: Control) => (errors[control] ? errorId(control) : undefined);
  const problem = (control: Control) =>
    errors[control] !== undefined && <InlineError id={errorId(control)}>{errorText(errors[control])}</InlineError>;
  const latest = (step: IdentityStep) => [...session.checks].reverse().find((c) => c.step === step);
  // Until the reviewer picks one: the applicant once they are in the call (sources list them first).
  const chosen = sources.find((s) => s.key === picked) ?? sources[0];

  const snapshot = () =>
    act('snapshot', async () => {
      if (!chosen) throw new Error(t('请选择要截图的画面', 'Pick a video to capture'));
      const cancel = new AbortController();
      snapshotWait.current = cancel;
      try {
        const frame = await fullResolutionFrame(chosen, focus, setWaiting, cancel.signal);
        if (frame) await actions.snapshot(frame, label);
      } finally {
        snapshotWait.current = null;
      }
    });

  const consent = (recordingAllowed: boolean, snapshotsAllowed: boolean) =>
    void act('consent', () => actions.consent({ recordingAllowed, snapshotsAllowed }));

  return (
    <>
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
                  aria-describedby={describedBy('consent')}
                  onClick={() => consent(true, true)}
                >
                  {t('申请人同意录像和截图', 'Applicant agrees to recording and snapshots')}
                </Button>
              )}
              <Button
                variant={session.recordingAvailability.available ? 'secondary' : 'primary'}
                busy={busy}
                disabled={!open}
                aria-describedby={describedBy('consent')}
                onClick={() => consent(false, true)}
              >
                {t('申请人同意截图取证', 'Applicant agrees to snapshots')}
              </Button>
              <Button busy={busy} disabled={!open} aria-describedby={describedBy('consent')} onClick={() => consent(false, false)}>
                {t('仅同意视频核验，不截图', 'Video check only, no snapshots')}
              </Button>
            </div>
            {problem('consent')}
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
        <IdPhotoCompare load={actions.idPhoto} faces={sources.filter((s) => s.source === 'camera')} />
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
                      aria-describedby={describedBy('prompt')}
                      onClick={() => void act('prompt', async () => setPrompt(await actions.liveness()))}
                    >
                      {t('生成随机口令', 'New random prompt')}
                    </Button>
                    {problem('prompt')}
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
                    aria-describedby={describedBy(step)}
                    onClick={() => void act(step, () => actions.check({ step, passed: true, note: notes[step] ?? '' }))}
                  >
                    {t('通过', 'Pass')}
                  </Button>
                  <Button
                    busy={busy}
                    disabled={!open || !session.consent}
                    aria-describedby={describedBy(step)}
                    onClick={() => void act(step, () => actions.check({ step, passed: false, note: notes[step] ?? '' }))}
                  >
                    {t('不通过', 'Fail')}
                  </Button>
                </div>
                {problem(step)}
              </li>
            );
          })}
        </ol>
      </Card>

      <Card title={t('截图取证', 'Evidence snapshots')}>
        <Select
          label={t('截取画面', 'Video to capture')}
          value={chosen?.key ?? ''}
          onChange={(e) => setPicked(e.target.value)}
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
          aria-describedby={describedBy('snapshot')}
          onClick={() => void snapshot()}
        >
          {t('截图', 'Take snapshot')}
        </Button>
        {waiting && (
          <p role="status" data-testid="snapshot-waiting">
            {t(
              `正在等待对方画面达到原始清晰度（当前 ${waiting.now}，原始 ${waiting.want}）…`,
              `Waiting for the video's full resolution (now ${waiting.now}, source ${waiting.want})…`,
            )}{' '}
            <Button onClick={() => snapshotWait.current?.abort()}>{t('取消截图', 'Cancel snapshot')}</Button>
          </p>
        )}
        {problem('snapshot')}
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
    </>
  );
}
