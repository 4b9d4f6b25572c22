import { CASE_ACTIONS, type CaseAction } from '../cases/stateMachine';
import { chinaDateTime } from '../cases/chinaTime';
import { ORIGINAL_CHECK_METHOD_LABELS, type OriginalCheckMethod } from '../cases/originalCheck';
import { ratingLevel } from '../handoff/schemas';
import { ANNOTATION_KIND_LABELS, type AnnotationKind } from '../annotations/annotations';
import { IDENTITY_STEP_LABELS, type IdentityStep } from '../review/checklist';
import { DECISION_LABELS, type DecisionOutcome } from '../review/session';
import { STEP_BY_CODE, isStepCode } from '../cases/steps';
import { SIGNATURE_CHANNEL_LABELS, type SignatureChannel } from '../signature/signature';

/**
 * Every audit action the server writes, each with the sentence people read in the 责任追溯 trail
 * (who and when are shown beside it). The ledger accepts only these names (AuditAction), so a new
 * kind of event cannot be written before it has its words here.
 */

export interface Words {
  zh: string;
  en: string;
}

/** Names the sentences need that only the caller knows (the office registry, the item's slots). */
export interface AuditNames {
  siteName(siteId: string): string;
  /** A material slot of the case's item by its code. */
  slotName(slotCode: string): Words;
}

type Details = Record<string, unknown>;
type Wording = Words | ((d: Details, n: AuditNames) => Words);

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const minutes = (seconds: unknown): number => Math.max(1, Math.round(Number(seconds) / 60) || 1);

/** Adds the free text a person wrote with the event (a reason, a note), when there is one. */
function withText(w: Words, value: unknown, label: Words): Words {
  const s = text(value).trim();
  return s ? { zh: `${w.zh}（${label.zh}：${s}）`, en: `${w.en} (${label.en}: ${s})` } : w;
}
const REASON: Words = { zh: '原因', en: 'reason' };
const NOTE: Words = { zh: '备注', en: 'note' };

const slot = (d: Details, n: AuditNames): Words => n.slotName(text(d.slotCode));
/** A site the details name, by its name (the peer site, if they name none). */
const site = (d: Details, n: AuditNames, key: string): Words =>
  d[key] ? { zh: n.siteName(text(d[key])), en: n.siteName(text(d[key])) } : { zh: '对方站点', en: 'the peer site' };
/** A peer site's reviewer as their site named them: "湖南省站点的审核人员王审核". */
function peerReviewer(d: Details, n: AuditNames): Words {
  const r = (d.reviewer ?? {}) as { displayName?: unknown; siteId?: unknown };
  const where = r.siteId ? n.siteName(text(r.siteId)) : '';
  const name = text(r.displayName);
  return {
    zh: `${where || '对方站点'}的审核人员${name}`,
    en: `${name ? `${name}, a reviewer` : 'a reviewer'} of ${where || 'the peer site'}`,
  };
}
const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** A step of the case (环节时限) by its name. */
const stepName = (d: Details): Words => (isStepCode(d.step) ? STEP_BY_CODE[d.step].label : { zh: text(d.step), en: text(d.step) });
const dueTime = (d: Details): string => (Number.isNaN(Date.parse(text(d.dueAt))) ? text(d.dueAt) : chinaDateTime(text(d.dueAt)));

const CASE_WORDS: Record<CaseAction, Wording> = {
  precheck: (d) => {
    const overridden = Number(d.overridden) || 0;
    return overridden > 0
      ? {
          zh: `完成预审，其中 ${overridden} 个问题说明原因后放行`,
          en: `Finished the pre-check, overriding ${overridden} finding(s) with a reason`,
        }
      : { zh: '完成预审', en: 'Finished the pre-check' };
  },
  request_review: (d, n) =>
    d.peerSite
      ? {
          zh: `申请视频会审，请求发往${site(d, n, 'peerSite').zh}`,
          en: `Requested a video co-review, sent to ${site(d, n, 'peerSite').en}`,
        }
      : { zh: '申请视频会审', en: 'Requested a video co-review' },
  accept: (d) => withText({ zh: '经视频会审决定受理', en: 'Accepted the application after the video co-review' }, d.note, NOTE),
  request_correction: (d) =>
    withText({ zh: '经视频会审要求补正材料', en: 'Asked for corrected materials after the video co-review' }, d.note, REASON),
  reject: (d) => withText({ zh: '经视频会审决定不予受理', en: 'Rejected the application after the video co-review' }, d.note, REASON),
  resubmit: { zh: '补正材料已收齐，办件退回预审', en: 'Received the corrected materials; the case goes back to pre-check' },
  hand_off: (d, n) =>
    d.mode === 'courier'
      ? {
          zh: `邮寄原件转递（${text(d.courierCompany)}，运单号 ${text(d.waybillNo)}）`,
          en: `Handed off by courier (${text(d.courierCompany)}, waybill ${text(d.waybillNo)})`,
        }
      : { zh: `网上转递至${site(d, n, 'peerSite').zh}`, en: `Transferred online to ${site(d, n, 'peerSite').en}` },
  start_handling: { zh: '实施机关收到办件，开始办理', en: 'The handling office received the case and started handling it' },
  complete: (d) =>
    d.outcome === 'denied' ? { zh: '办结：不予办理', en: 'Completed: denied' } : { zh: '办结：准予办理', en: 'Completed: approved' },
  rate: (d) => {
    const level = ratingLevel(Number(d.level));
    const what = level ? { zh: level.zh, en: level.en.toLowerCase() } : { zh: text(d.level), en: text(d.level) };
    return d.channel === 'phone'
      ? { zh: `申请人用手机评价：${what.zh}`, en: `The applicant rated on their phone: ${what.en}` }
      : { zh: `记录申请人评价：${what.zh}`, en: `Recorded the applicant’s rating: ${what.en}` };
  },
  withdraw: (d) => withText({ zh: '登记申请人撤回申请', en: 'Recorded that the applicant withdrew' }, d.note, REASON),
  reopen: (d) => withText({ zh: '重新打开办件', en: 'Reopened the case' }, d.note, REASON),
  expire_correction: (d) => ({
    zh: `补正期限 ${text(d.resubmitBy)} 已过，未收到补正材料，按补正逾期终止办理`,
    en: `The correction deadline ${text(d.resubmitBy)} passed without the corrected materials: closed as overdue`,
  }),
};

const allowed = (v: unknown): Words => (v ? { zh: '同意', en: 'yes' } : { zh: '不同意', en: 'no' });

const EVENT_WORDS = {
  'case.created': { zh: '收件登记，创建办件', en: 'Registered the application and created the case' },
  'material.uploaded': (d: Details, n: AuditNames) => ({
    zh: `收取材料“${slot(d, n).zh}”：${text(d.fileName)}`,
    en: `Received “${slot(d, n).en}”: ${text(d.fileName)}`,
  }),
  'material.replaced': (d: Details, n: AuditNames) => ({
    zh: `替换材料“${slot(d, n).zh}”的扫描件 ${text(d.fileName)}（原件留档）`,
    en: `Replaced the scan ${text(d.fileName)} of “${slot(d, n).en}” (the old one is kept on record)`,
  }),
  'material.deleted': (d: Details, n: AuditNames) => ({
    zh: `删除材料“${slot(d, n).zh}”的扫描件 ${text(d.fileName)}`,
    en: `Deleted the scan ${text(d.fileName)} of “${slot(d, n).en}”`,
  }),
  'material.viewed': (d: Details, n: AuditNames) => ({ zh: `查看材料“${slot(d, n).zh}”`, en: `Viewed “${slot(d, n).en}”` }),
  'material.original_checked': (d: Details, n: AuditNames) => {
    const how = ORIGINAL_CHECK_METHOD_LABELS[d.method as OriginalCheckMethod] ?? { zh: text(d.method), en: text(d.method) };
    return withText(
      {
        zh: `核验材料“${slot(d, n).zh}”的扫描件 ${text(d.fileName)} 与原件一致（${how.zh}）`,
        en: `Checked the scan ${text(d.fileName)} of “${slot(d, n).en}” against the original (${how.en.toLowerCase()})`,
      },
      d.note,
      NOTE,
    );
  },
  'material.original_check_withdrawn': (d: Details, n: AuditNames) =>
    withText(
      {
        zh: `撤销材料“${slot(d, n).zh}”的扫描件 ${text(d.fileName)} 的原件核验标记`,
        en: `Withdrew the original check of the scan ${text(d.fileName)} of “${slot(d, n).en}”`,
      },
      d.reason,
      REASON,
    ),
  'material.certified_copy_printed': (d: Details, n: AuditNames) => ({
    zh: `打印材料“${slot(d, n).zh}”的核验件（${text(d.pages)} 页）`,
    en: `Printed the certified copy of “${slot(d, n).en}” (${text(d.pages)} pages)`,
  }),
  'annotation.added': (d: Details, n: AuditNames) => {
    const kind = ANNOTATION_KIND_LABELS[d.kind as AnnotationKind] ?? { zh: text(d.kind), en: text(d.kind) };
    return withText(
      {
        zh: `在会审中批注材料“${slot(d, n).zh}”第 ${text(d.page)} 页（${kind.zh}）`,
        en: `Marked page ${text(d.page)} of “${slot(d, n).en}” in the co-review (${kind.en.toLowerCase()})`,
      },
      d.note,
      NOTE,
    );
  },
  'annotation.removed': (d: Details, n: AuditNames) => ({
    zh: `删除材料“${slot(d, n).zh}”第 ${text(d.page)} 页的批注`,
    en: `Removed a mark on page ${text(d.page)} of “${slot(d, n).en}”`,
  }),
  'precheck.field_corrected': (d: Details) =>
    withText(
      {
        zh: `人工更正识别结果：“${text(d.from)}”改为“${text(d.to)}”`,
        en: `Corrected a recognised value: “${text(d.from)}” to “${text(d.to)}”`,
      },
      d.reason,
      REASON,
    ),
  'precheck.finding_overridden': (d: Details) =>
    withText({ zh: '说明原因后放行预审问题', en: 'Overrode a pre-check finding' }, d.reason, REASON),
  'review.requested': { zh: '再次申请视频会审', en: 'Requested the video co-review again' },
  'review.accepted': (d: Details) => ({
    zh: `接单，开始视频会审（申请人等待约 ${minutes(d.waitingSeconds)} 分钟）`,
    en: `Took the video co-review (after about ${minutes(d.waitingSeconds)} min of waiting)`,
  }),
  'review.cancelled': { zh: '取消视频会审申请', en: 'Cancelled the video co-review request' },
  'review.timed_out': (d: Details) => ({
    zh: `视频会审申请等待 ${minutes(d.waitingSeconds)} 分钟无人接单，已自动取消`,
    en: `No reviewer took the co-review request within ${minutes(d.waitingSeconds)} min; it was cancelled`,
  }),
  'review.applicant_link_issued': (d: Details) => {
    const until = Number.isNaN(Date.parse(text(d.expiresAt))) ? '' : chinaDateTime(text(d.expiresAt));
    return until
      ? { zh: `生成申请人手机入会二维码（${until} 前有效）`, en: `Issued the applicant’s phone QR code (valid until ${until})` }
      : { zh: '生成申请人手机入会二维码', en: 'Issued the applicant’s phone QR code' };
  },
  'review.applicant_link_redeemed': { zh: '申请人扫码加入视频会审', en: 'The applicant joined the video co-review by QR code' },
  'review.consent_recorded': (d: Details) => ({
    zh: `记录申请人意见：录像${allowed(d.recordingAllowed).zh}，截图取证${allowed(d.snapshotsAllowed).zh}`,
    en: `Recorded the applicant’s consent: recording ${allowed(d.recordingAllowed).en}, snapshots ${allowed(d.snapshotsAllowed).en}`,
  }),
  'review.liveness_prompt_issued': { zh: '生成活体检测随机口令', en: 'Issued a random liveness prompt' },
  'review.identity_check': (d: Details) => {
    const step = IDENTITY_STEP_LABELS[d.step as IdentityStep] ?? { zh: text(d.step), en: text(d.step) };
    return withText(
      d.passed
        ? { zh: `身份核验“${step.zh}”：通过`, en: `Identity check “${step.en}”: passed` }
        : { zh: `身份核验“${step.zh}”：未通过`, en: `Identity check “${step.en}”: failed` },
      d.note,
      NOTE,
    );
  },
  'signature.signed': (d: Details) => {
    const where = SIGNATURE_CHANNEL_LABELS[d.channel as SignatureChannel] ?? { zh: text(d.channel), en: text(d.channel) };
    const sha = text(d.imageSha256).slice(0, 12);
    return withText(
      d.replacesImageSha256
        ? {
            zh: `申请人重新签署承诺书（${where.zh}，签名 ${sha}…，替换前一签名）`,
            en: `The applicant signed the declaration again (${where.en.toLowerCase()}, signature ${sha}…, replacing the earlier one)`,
          }
        : {
            zh: `申请人签署承诺书（${where.zh}，签名 ${sha}…）`,
            en: `The applicant signed the declaration (${where.en.toLowerCase()}, signature ${sha}…)`,
          },
      d.replaceReason,
      REASON,
    );
  },
  'review.snapshot': (d: Details) => ({ zh: `会审截图取证：${text(d.label)}`, en: `Took a snapshot as evidence: ${text(d.label)}` }),
  'review.recording_started': { zh: '开始会审录像', en: 'Started recording the co-review' },
  'review.recording_stored': (d: Details) => ({
    zh: `会审录像已保存（${text(d.durationSeconds)} 秒）`,
    en: `Stored the co-review recording (${text(d.durationSeconds)} s)`,
  }),
  'review.recording_failed': { zh: '会审录像失败', en: 'The co-review recording failed' },
  'review.recording_downloaded': { zh: '下载会审录像', en: 'Downloaded a co-review recording' },
  'review.join_grant_issued': (d: Details, n: AuditNames) => ({
    zh: `为${peerReviewer(d, n).zh}签发视频会审入会凭证`,
    en: `Issued a join grant for ${peerReviewer(d, n).en}`,
  }),
  'review.join_grant_used': (d: Details, n: AuditNames) => ({
    zh: `${peerReviewer(d, n).zh}凭入会凭证加入视频会审`,
    en: `${capitalised(peerReviewer(d, n).en)} joined the co-review with a join grant`,
  }),
  // The actor of these two is the peer site itself.
  'review.remote_requested': (d: Details) => ({
    zh: `发来办件 ${text(d.caseNo)} 的视频会审请求`,
    en: `Sent a co-review request for case ${text(d.caseNo)}`,
  }),
  'review.remote_withdrawn': (d: Details) => ({
    zh: `撤回办件 ${text(d.caseNo)} 的视频会审请求`,
    en: `Withdrew the co-review request for case ${text(d.caseNo)}`,
  }),
  'review.remote_accepted': (d: Details, n: AuditNames) => ({
    zh: `接单：${site(d, n, 'intakeSite').zh}办件 ${text(d.caseNo)} 的视频会审`,
    en: `Took the co-review of case ${text(d.caseNo)} from ${site(d, n, 'intakeSite').en}`,
  }),
  'review.remote_decided': (d: Details) => {
    const label = DECISION_LABELS[d.outcome as DecisionOutcome] ?? { zh: text(d.outcome), en: text(d.outcome) };
    return { zh: `作出办件 ${text(d.caseNo)} 的审查结论：${label.zh}`, en: `Decided case ${text(d.caseNo)}: ${label.en}` };
  },
  'site.message_delivered': (d: Details, n: AuditNames) => ({
    zh: `已送达${site(d, n, 'peerSite').zh}`,
    en: `Delivered to ${site(d, n, 'peerSite').en}`,
  }),
  'site.message_retrying': (d: Details, n: AuditNames) => ({
    zh: `${site(d, n, 'peerSite').zh}暂不可达，稍后重试（第 ${Number(d.attempts) || 1} 次）`,
    en: `Could not reach ${site(d, n, 'peerSite').en}; retrying later (attempt ${Number(d.attempts) || 1})`,
  }),
  'site.message_failed': (d: Details, n: AuditNames) =>
    withText({ zh: `${site(d, n, 'peerSite').zh}拒收`, en: `Refused by ${site(d, n, 'peerSite').en}` }, d.message, REASON),
  // By the sending site, as recorded at the handling site.
  'handoff.received': (d: Details) => ({
    zh: `网上转递来办件材料包（${text(d.materials)} 份材料），本站已签收`,
    en: `Transferred the case bag here online (${text(d.materials)} materials); received`,
  }),
  'handoff.evidence_downloaded': { zh: '下载转递包中的会审录像', en: 'Downloaded a co-review recording from the handoff bag' },
  'handoff.originals_mailed': (d: Details) => ({
    zh: `登记原件寄出（${text(d.courierCompany)}，运单号 ${text(d.waybillNo)}）`,
    en: `Recorded the originals mailed (${text(d.courierCompany)}, waybill ${text(d.waybillNo)})`,
  }),
  'handoff.envelope_received': (d: Details) => ({
    zh: `签收邮寄来的材料（运单号 ${text(d.waybillNo)}）`,
    en: `Signed for the mailed papers (waybill ${text(d.waybillNo)})`,
  }),
  'review.remote_decision_linked': {
    zh: '转递包中的会审结论与本站审核员签署的结论一致，已关联本站记录',
    en: 'The bag’s co-review decision is the one this site’s reviewer signed; linked to this site’s record',
  },
  'correction.notice_printed': (d: Details) => ({
    zh: `打印第 ${text(d.seq)} 号补正材料通知书`,
    en: `Printed correction notice No. ${text(d.seq)}`,
  }),
  'correction.notice_withdrawn': (d: Details) =>
    withText({ zh: `撤回第 ${text(d.seq)} 号补正材料通知书`, en: `Withdrew correction notice No. ${text(d.seq)}` }, d.reason, REASON),
  'correction.notice_issued': (d: Details) => ({
    zh: `出具第 ${text(d.seq)} 号补正材料通知书（${text(d.items)} 项，${text(d.resubmitBy)} 前补正）`,
    en: `Issued correction notice No. ${text(d.seq)} (${text(d.items)} items, due ${text(d.resubmitBy)})`,
  }),
  'receipt.printed': { zh: '打印收件回执', en: 'Printed the receipt' },
  'rating.link_created': { zh: '生成手机评价二维码', en: 'Created the phone rating QR code' },
  'rating.appended': (d: Details) => withText({ zh: '申请人追评', en: 'The applicant added a follow-up comment' }, d.comment, NOTE),
  'rating.called_back': (d: Details) => withText({ zh: '差评回访', en: 'Called the applicant back about a low rating' }, d.note, NOTE),
  'rating.appealed': (d: Details) => withText({ zh: '提出评价申诉复核', en: 'Appealed against the rating' }, d.reason, NOTE),
  'rating.appeal_decided': (d: Details) =>
    withText(
      d.approved === true
        ? { zh: '申诉复核通过，该评价不计入统计', en: 'Appeal approved: the rating no longer counts' }
        : { zh: '申诉复核不予支持', en: 'Appeal rejected' },
      d.reason,
      NOTE,
    ),
  'rating.follow_up_closed': (d: Details) => withText({ zh: '差评回访办结', en: 'Closed the follow-up of a low rating' }, d.note, NOTE),
  'seed.item': (d: Details) => ({ zh: `载入事项目录：${text(d.name)}`, en: `Loaded the catalogue item ${text(d.name)}` }),
  'seed.office': (d: Details) => ({ zh: `登记单位：${text(d.name)}`, en: `Registered the office ${text(d.name)}` }),
  'user.created': (d: Details) => ({ zh: `创建账号 ${text(d.username)}`, en: `Created the account ${text(d.username)}` }),
  'user.password_set': (d: Details) => ({ zh: `重设账号 ${text(d.username)} 的密码`, en: `Set the password of ${text(d.username)}` }),
  'auth.login': { zh: '登录', en: 'Signed in' },
  'auth.login_failed': { zh: '登录失败', en: 'Failed to sign in' },
  'auth.logout': { zh: '退出登录', en: 'Signed out' },
  'review.second_opinion': (d: Details) =>
    withText(
      d.agree === true
        ? { zh: '抽查复核：同意原审查结论', en: 'Second opinion: agrees with the decision' }
        : { zh: '抽查复核：不同意原审查结论', en: 'Second opinion: disagrees with the decision' },
      d.note,
      NOTE,
    ),
  'retention.purged': (d: Details) => ({
    zh: `保存期限（${text(d.retentionDays)} 天）届满，删除录像、截图等证据文件 ${Array.isArray(d.files) ? d.files.length : 0} 个（保留哈希值）`,
    en: `Retention period (${text(d.retentionDays)} days) over: deleted ${Array.isArray(d.files) ? d.files.length : 0} evidence files (their hashes kept)`,
  }),
  'retention.hold_set': (d: Details) => ({ zh: `设置诉讼保全：${text(d.reason)}`, en: `Put on legal hold: ${text(d.reason)}` }),
  'retention.hold_released': (d: Details) => ({ zh: `解除诉讼保全：${text(d.reason)}`, en: `Released the legal hold: ${text(d.reason)}` }),
  // 环节时限: written by the system's check, naming the office that answers for the step.
  'step.reminder_sent': (d: Details) => ({
    zh: `提醒${text(d.officeName)}：“${stepName(d).zh}”环节将于 ${dueTime(d)} 到期（已通知 ${text(d.recipients)} 人）`,
    en: `Reminded ${text(d.officeName)}: the step “${stepName(d).en}” is due at ${dueTime(d)} (${text(d.recipients)} notified)`,
  }),
  'step.overdue': (d: Details) => ({
    zh: `“${stepName(d).zh}”环节超时（应于 ${dueTime(d)} 前完成），责任单位：${text(d.officeName)}`,
    en: `The step “${stepName(d).en}” is late (due ${dueTime(d)}); responsible office: ${text(d.officeName)}`,
  }),
  'catalog.item_steps_set': (d: Details) => ({
    zh: `设定事项“${text(d.name)}”的环节时限（${text(d.steps)} 个环节）`,
    en: `Set the step limits of the item ${text(d.name)} (${text(d.steps)} steps)`,
  }),
  'calendar.year_set': (d: Details) => ({
    zh: `录入 ${text(d.year)} 年节假日 ${text(d.holidays)} 天、调休上班 ${text(d.workdays)} 天`,
    en: `Entered ${text(d.year)}'s calendar: ${text(d.holidays)} holidays, ${text(d.workdays)} make-up working days`,
  }),
} satisfies Record<string, Wording>;

export type AuditAction = `case.${CaseAction}` | keyof typeof EVENT_WORDS;

const WORDS: Record<AuditAction, Wording> = {
  ...(Object.fromEntries(CASE_ACTIONS.map((a) => [`case.${a}`, CASE_WORDS[a]])) as Record<`case.${CaseAction}`, Wording>),
  ...EVENT_WORDS,
};

export const AUDIT_ACTIONS = Object.keys(WORDS) as AuditAction[];

export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(WORDS, action);
}

/** What happened, as a sentence; undefined for an action this build does not know (a newer peer's). */
export function auditSentence(e: { action: string; details: Details }, names: AuditNames): Words | undefined {
  if (!isAuditAction(e.action)) return undefined;
  const w = WORDS[e.action];
  return typeof w === 'function' ? w(e.details, names) : w;
}
