import { IDENTITY_STEP_LABELS } from '@tongban/shared/review/checklist';
import { DECISION_LABELS } from '@tongban/shared/review/session';
import { receivedFilePath, type BagReview, type OwnDecisionRecord, type ReceivedEvidence } from '@tongban/shared/handoff/received';
import { useApiData } from '../../api/useApiData';
import { formatDateTime, ROLE_LABELS } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Badge } from '../../ui';
import { handoffApi } from './handoffApi';

const SOURCE_TEXT: Record<BagReview['recordings'][number]['source'], [string, string]> = {
  camera: ['摄像头', 'camera'],
  document: ['高拍仪', 'document camera'],
};

/**
 * 转递材料包中的视频会审记录: at the handling office, the co-review the intake site ran (decision,
 * identity checks, consent, snapshots, recordings), read from the bag this site received.
 */
export function ReceivedReview({ caseId }: { caseId: string }) {
  const { t, lang, errorText } = useI18n();
  const received = useApiData<ReceivedEvidence>(handoffApi.receivedPath(caseId));
  const e = received.data;
  return (
    <section className="received-review" aria-label={t('转递材料包中的视频会审记录', 'Video review record in the received bag')}>
      <h3>{t('转递材料包中的视频会审记录', 'Video review record in the received bag')}</h3>
      {received.error !== undefined && <Alert tone="block">{errorText(received.error)}</Alert>}
      {e && (
        <dl className="handoff-facts">
          <dt>{t('来自站点', 'From site')}</dt>
          <dd>
            {t(
              `${e.transfer.fromSiteName}（${formatDateTime(e.transfer.receivedAt, lang)} 接收）`,
              `${e.transfer.fromSiteName} (received ${formatDateTime(e.transfer.receivedAt, lang)})`,
            )}
          </dd>
          <dt>{t('转递包校验值', 'Bag checksum')}</dt>
          <dd>
            <code>{e.transfer.tagmanifestSha256}</code>
          </dd>
          {e.transfer.signerKeyFingerprint && (
            <>
              <dt>{t('签名密钥指纹', 'Signing key')}</dt>
              <dd>
                <code>{e.transfer.signerKeyFingerprint}</code>
              </dd>
            </>
          )}
        </dl>
      )}
      {e && !e.review && <p className="muted">{t('转递包中没有视频会审记录。', 'The bag carries no video review record.')}</p>}
      {e?.review && <ReviewRecord caseId={caseId} review={e.review} ownDecision={e.ownDecision} />}
      {e?.precheck && (
        <p>
          {t('收件地预审：', 'Pre-check at intake: ')}
          {e.precheck.ready ? t('材料齐全', 'materials complete') : t('材料不齐', 'materials incomplete')}
          {' · '}
          {t(
            `${e.precheck.materials.filter((m) => m.verdict === 'block').length} 份材料有阻断问题`,
            `${e.precheck.materials.filter((m) => m.verdict === 'block').length} material(s) with blocking findings`,
          )}
        </p>
      )}
    </section>
  );
}

function ReviewRecord({ caseId, review, ownDecision }: { caseId: string; review: BagReview; ownDecision: OwnDecisionRecord | null }) {
  const { t, lang } = useI18n();
  const d = review.decision;
  /** Recordings that did not travel (failed, or unfinished when the bag was built). */
  const missing = (review.recordingsFailed ?? 0) + (review.recordingsUnfinished ?? 0);
  const roleText = (role: string) =>
    role in ROLE_LABELS ? ROLE_LABELS[role as keyof typeof ROLE_LABELS][lang] : role === 'applicant' ? t('申请人', 'Applicant') : role;
  return (
    <>
      {d ? (
        <Alert
          tone={d.outcome === 'accept' ? 'ok' : d.outcome === 'reject' ? 'block' : 'warn'}
          title={`${t('审查结论：', 'Decision: ')}${t(DECISION_LABELS[d.outcome].zh, DECISION_LABELS[d.outcome].en)}`}
        >
          <p data-testid="received-decision">
            {t(`${d.decidedByName}，${formatDateTime(d.decidedAt, lang)}`, `${d.decidedByName}, ${formatDateTime(d.decidedAt, lang)}`)}
          </p>
          {d.outcome === 'request_correction' && (
            <ul>
              {d.items.map((i) => (
                <li key={i.slotCode}>
                  {i.slotCode}：{i.reason}
                </li>
              ))}
            </ul>
          )}
          {d.outcome === 'reject' && <p>{d.reason}</p>}
          {d.outcome !== 'reject' && d.note && <p>{d.note}</p>}
          {ownDecision && (
            <p data-testid="own-decision">
              {t(
                `与本站审核员${ownDecision.decidedByName}于 ${formatDateTime(ownDecision.decidedAt, lang)} 签署的结论一致，已关联本站记录。`,
                `The same decision ${ownDecision.decidedByName} of this site signed on ${formatDateTime(ownDecision.decidedAt, lang)}; linked to this site's record.`,
              )}
            </p>
          )}
        </Alert>
      ) : (
        <p className="muted">{t('会审尚无结论。', 'The review has no decision.')}</p>
      )}

      <h4>{t('身份核验', 'Identity checks')}</h4>
      {review.checks.length === 0 ? (
        <p className="muted">{t('没有核验记录。', 'No checks recorded.')}</p>
      ) : (
        <ul className="received-checks">
          {review.checks.map((c) => (
            <li key={`${c.step}-${c.checkedAt}`}>
              <Badge tone={c.passed ? 'ok' : 'block'}>{c.passed ? t('通过', 'Passed') : t('未通过', 'Failed')}</Badge>{' '}
              {t(IDENTITY_STEP_LABELS[c.step].zh, IDENTITY_STEP_LABELS[c.step].en)}
              {c.note && ` — ${c.note}`}
            </li>
          ))}
        </ul>
      )}

      <h4>{t('申请人同意', 'Applicant consent')}</h4>
      <p>
        {review.consent
          ? [
              review.consent.recordingAllowed ? t('同意录像', 'recording allowed') : t('不同意录像', 'no recording'),
              review.consent.snapshotsAllowed ? t('同意截图留证', 'snapshots allowed') : t('不同意截图', 'no snapshots'),
              ...(review.consent.note ? [review.consent.note] : []),
            ].join(t('；', '; '))
          : t('未记录', 'Not recorded')}
      </p>

      {review.snapshots.length > 0 && (
        <>
          <h4>{t('截图留证', 'Snapshots')}</h4>
          <div className="received-snapshots">
            {review.snapshots.map((s) => (
              <a key={s.id} href={receivedFilePath(caseId, s.file)} target="_blank" rel="noreferrer">
                <img
                  src={receivedFilePath(caseId, s.file)}
                  alt={t(
                    `截图：${s.label}，${formatDateTime(s.takenAt, lang)}`,
                    `Snapshot: ${s.label}, ${formatDateTime(s.takenAt, lang)}`,
                  )}
                />
              </a>
            ))}
          </div>
        </>
      )}

      {(review.recordings.length > 0 || missing > 0) && (
        <>
          <h4>{t('会审录像', 'Recordings')}</h4>
          <ul data-testid="received-recordings">
            {review.recordings.map((r) => {
              const what = `${roleText(r.role)} · ${t(...SOURCE_TEXT[r.source])}`;
              return (
                <li key={r.id}>
                  <a href={receivedFilePath(caseId, r.file)} download>
                    {t(`下载录像：${what}（${r.durationSeconds ?? 0} 秒）`, `Download recording: ${what} (${r.durationSeconds ?? 0} s)`)}
                  </a>
                </li>
              );
            })}
          </ul>
          {missing > 0 && (
            <Alert tone="warn">
              {t(
                `另有 ${missing} 段录像失败或未完成，未随包转递；如需请联系收件地。`,
                `${missing} more recording(s) failed or were unfinished and did not travel; ask the intake office if needed.`,
              )}
            </Alert>
          )}
        </>
      )}
    </>
  );
}
