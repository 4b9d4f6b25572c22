import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { CaseState, CaseView } from '@tongban/shared';
import type { CaseSide } from '@tongban/shared/cases/access';
import type { CaseSection, NextActionId, NextStep } from '@tongban/shared/cases/nextStep';
import { api } from '../../api/client';
import { reviewApi } from '../../features/call/reviewApi';
import { useI18n, type I18n } from '../../i18n';
import { Alert, Button, useToast } from '../../ui';

interface ActionWords {
  zh: string;
  en: string;
  /** What the step is about, in a sentence above the button. */
  hintZh: string;
  hintEn: string;
}

const ACTION_WORDS: Record<NextActionId, ActionWords> = {
  complete_precheck: {
    zh: '完成预审',
    en: 'Complete pre-check',
    hintZh: '材料收齐、阻断问题处理完毕后完成预审，即可申请视频会审。',
    hintEn: 'Once every required scan is in and nothing blocks, complete the pre-check; then request the video co-review.',
  },
  request_review: {
    zh: '申请视频会审',
    en: 'Request video review',
    hintZh: '预审已完成。申请视频会审，由实施机关的审核人员在线核验申请人身份并作出受理决定。',
    hintEn:
      'The pre-check is complete. Request the video co-review: a reviewer of the handling office checks the applicant’s identity and decides.',
  },
  accept_review: {
    zh: '接单',
    en: 'Accept',
    hintZh: '收件窗口已申请视频会审，申请人正在等候。请先查看预审结果，再接单进入会审。',
    hintEn: 'The intake window requested a video co-review and the applicant is waiting. Read the pre-check, then accept and join.',
  },
  join_review: {
    zh: '进入视频会审',
    en: 'Join the video review',
    hintZh: '视频会审进行中。',
    hintEn: 'The video co-review is under way.',
  },
  resubmit: {
    zh: '补正材料已收，重新预审',
    en: 'Corrections received: pre-check again',
    hintZh: '审核人员要求补正。收取申请人补正的材料后重新预审。',
    hintEn: 'The reviewer asked for corrections. Receive the corrected materials, then pre-check again.',
  },
  hand_off: {
    zh: '转递办件',
    en: 'Hand the case off',
    hintZh: '办件已受理。请网上转递到办理地，或邮寄原件。',
    hintEn: 'The case is accepted. Transfer it online to the handling office, or send the originals by courier.',
  },
  record_result: {
    zh: '录入办理结果',
    en: 'Record the result',
    hintZh: '办件已到达本单位。办理完毕后录入办理结果，送回收件地。',
    hintEn: 'The case has reached this office. Once handled, record the result and send it back to the intake window.',
  },
  rate: {
    zh: '请申请人评价',
    en: 'Ask for a rating',
    hintZh: '办件已办结。请将结果交给申请人，并请其在屏幕或手机上评价（好差评）。',
    hintEn: 'The case is completed. Hand the result to the applicant and ask them to rate the service, here or on their phone.',
  },
};

/** Actions whose forms are in their section (the waybill, the result, the rating pad): the button opens it. */
const IN_SECTION: Partial<Record<NextActionId, CaseSection>> = { hand_off: 'handoff', record_result: 'handoff', rate: 'handoff' };

/** What the user is waiting for when it is not their turn. */
function waitingText(state: CaseState, on: CaseSide, t: I18n['t']): string {
  switch (state) {
    case 'draft':
      return t('等待收件窗口收齐材料并完成预审。', 'Waiting for the intake window to complete the pre-check.');
    case 'prechecked':
      return t('预审已完成，等待收件窗口申请视频会审。', 'Pre-checked; waiting for the intake window to request the video co-review.');
    case 'in_review':
      return on === 'handling'
        ? t('已申请视频会审，等待实施机关的审核人员接单。', 'Requested; waiting for a reviewer of the handling office to accept.')
        : t('视频会审申请已取消，等待收件窗口重新申请。', 'The request was cancelled; waiting for the intake window to request again.');
    case 'needs_correction':
      return t('等待收件窗口收取申请人补正的材料。', 'Waiting for the intake window to receive the corrected materials.');
    case 'accepted':
      return t('已受理，等待收件窗口转递办件。', 'Accepted; waiting for the intake window to hand the case off.');
    case 'handed_off':
    case 'in_handling':
      return t('已转递，等待实施机关办理并送回结果。', 'Handed off; waiting for the handling office’s result.');
    case 'completed':
      return t('已办结，等待收件窗口请申请人评价。', 'Completed; waiting for the intake window to record the applicant’s rating.');
    default:
      return '';
  }
}

function closedText(state: CaseState, t: I18n['t']): string {
  if (state === 'rated') return t('办件已办结并评价，全部完成。', 'The case is completed and rated.');
  if (state === 'rejected')
    return t('经视频会审不予受理，办件已结束。', 'The application was rejected at the co-review; the case is closed.');
  if (state === 'correction_expired')
    return t(
      '补正期限已过，未收到补正材料，办件已终止。',
      'The correction deadline passed without the corrected materials; the case is closed.',
    );
  return t('申请人已撤回申请，办件已结束。', 'The applicant withdrew; the case is closed.');
}

/**
 * THE next step for this user: one primary button (or what they wait for), fired from here; the
 * forms of handoff, result and rating live in their section, which the button opens.
 */
export function NextAction({
  step,
  caseView,
  sessionId,
  onChanged,
  onReveal,
}: {
  step: NextStep;
  caseView: CaseView;
  /** The open co-review session, for 接单 and 进入视频会审. */
  sessionId: string | undefined;
  onChanged: () => void;
  onReveal: (section: CaseSection) => void;
}) {
  const { t, errorText } = useI18n();
  const navigate = useNavigate();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const base = `/api/cases/${encodeURIComponent(caseView.id)}`;

  if (step.kind !== 'act') {
    const text =
      step.kind === 'wait'
        ? waitingText(caseView.state, step.on, t)
        : step.kind === 'closed'
          ? closedText(caseView.state, t)
          : t('您可以查看本办件，但不参与办理。', 'You can read this case but take no part in it.');
    return (
      <div className="next-action" data-testid="next-action" data-kind={step.kind}>
        <p className="next-action-text">{text}</p>
      </div>
    );
  }

  const words = ACTION_WORDS[step.action];
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      toast.show(t(`已完成：${words.zh}`, `Done: ${words.en}`));
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const fire: Partial<Record<NextActionId, () => Promise<unknown>>> = {
    complete_precheck: () => api.post(`${base}/precheck/complete`, {}),
    request_review: () => reviewApi.request(caseView.id),
    resubmit: () => api.post(`${base}/transitions`, { action: 'resubmit' }),
    accept_review: async () => {
      await reviewApi.accept(sessionId!);
      void navigate(`/call/${encodeURIComponent(sessionId!)}`);
    },
  };
  const label = t(words.zh, words.en);
  const inSection = IN_SECTION[step.action];
  const action = fire[step.action];

  return (
    <div className="next-action" data-testid="next-action" data-kind="act" data-action={step.action}>
      <p className="next-action-text">{t(words.hintZh, words.hintEn)}</p>
      {error != null && <Alert tone="block">{errorText(error)}</Alert>}
      {step.action === 'join_review' && sessionId ? (
        <Link className="btn btn-primary next-action-primary" to={`/call/${encodeURIComponent(sessionId)}`}>
          {label}
        </Link>
      ) : inSection ? (
        <Button variant="primary" className="next-action-primary" onClick={() => onReveal(inSection)}>
          {label}
        </Button>
      ) : action ? (
        <Button variant="primary" className="next-action-primary" busy={busy} onClick={() => void run(action)}>
          {label}
        </Button>
      ) : null}
    </div>
  );
}
