import type { ErrorSpec } from '../errors';

/** Error codes of the live co-review (视频会审) feature: REST, signalling and the applicant link. */
export const REVIEW_ERRORS = {
  REVIEW_NOT_FOUND: { status: 404, zh: '视频会审不存在或已结束', en: 'The video review session does not exist or has ended' },
  REVIEW_ALREADY_OPEN: {
    status: 409,
    zh: '该办件已有进行中的视频会审，请直接进入',
    en: 'This case already has an open video review; join it instead',
  },
  REVIEW_STATE: {
    status: 409,
    zh: '视频会审当前状态不允许此操作，请刷新页面',
    en: 'The review session is not in a state that allows this; reload the page',
  },
  REVIEW_CONSENT_ALREADY_RECORDED: {
    status: 409,
    zh: '您的意见已经记录。如需更改，请直接告诉审核员',
    en: 'Your answer is already recorded. To change it, tell the reviewer',
  },
  REVIEW_CONSENT_REQUIRED: {
    status: 409,
    zh: '请先征得申请人同意（录像与截图）并记录，再进行身份核验',
    en: 'Record the applicant’s consent (recording and snapshots) before the identity checks',
  },
  REVIEW_RECORDING_UNAVAILABLE: {
    status: 409,
    zh: '本站点当前不能录像（录像已关闭或未安装 FFmpeg），请选择不录像的同意方式；如需录像请联系管理员',
    en: 'This site cannot record now (recording is off or FFmpeg is missing); choose consent without recording, or ask the administrator',
  },
  REVIEW_SNAPSHOTS_NOT_CONSENTED: { status: 409, zh: '申请人未同意截图取证，不能截图', en: 'The applicant did not consent to snapshots' },
  REVIEW_CHECKLIST_INCOMPLETE: {
    status: 409,
    zh: '身份核验尚未全部通过，不能受理；请完成核验或选择补正 / 不予受理',
    en: 'The identity checks have not all passed; finish them or choose correction / rejection',
  },
  REVIEW_LIVENESS_NO_PROMPT: {
    status: 409,
    zh: '请先生成活体检测口令，再记录结果',
    en: 'Generate a liveness prompt before recording its result',
  },
  REVIEW_SNAPSHOT_INVALID: {
    status: 415,
    zh: '截图不是有效的 JPEG 或 PNG 图像，请重新截图',
    en: 'The snapshot is not a valid JPEG or PNG image; take it again',
  },
  REVIEW_TOKEN_INVALID: {
    status: 401,
    zh: '视频链接无效，请向窗口工作人员索取新的二维码',
    en: 'This video link is not valid; ask the window clerk for a new QR code',
  },
  REVIEW_TOKEN_EXPIRED: {
    status: 401,
    zh: '视频链接已过期（有效期 15 分钟），请向窗口工作人员索取新的二维码',
    en: 'This video link has expired (valid 15 minutes); ask the window clerk for a new QR code',
  },
  REVIEW_TOKEN_USED: {
    status: 401,
    zh: '视频链接已被使用过，请向窗口工作人员索取新的二维码',
    en: 'This video link has already been used; ask the window clerk for a new QR code',
  },
  REVIEW_PEER_OFFICE_MISMATCH: {
    status: 403,
    zh: '会审请求的办理单位不由本站承载，或收件单位不属于发送站点，已拒收',
    en: 'The co-review request names a handling office this site does not host, or an intake office of another site; refused',
  },
  RTC_NOT_JOINED: { status: 409, zh: '尚未加入视频会审，请重新进入', en: 'Not in the video session; join again' },
  RTC_UNAVAILABLE: {
    status: 503,
    zh: '视频服务暂不可用，请稍后重试或联系技术支持',
    en: 'The video service is unavailable; try again shortly or contact support',
  },
  RTC_REQUEST_FAILED: {
    status: 500,
    zh: '视频连接出错，正在重试；如持续出现请重新进入',
    en: 'The video connection failed; retrying — rejoin if it persists',
  },
  RTC_TOO_MANY_CONNECTIONS: {
    status: 429,
    zh: '您同时打开的视频页面过多，请关闭其他视频会审或设备自检的标签页后刷新本页',
    en: 'You have too many video pages open; close the other video review or device check tabs, then reload this page',
  },
  RTC_TOO_MANY_TRANSPORTS: {
    status: 429,
    zh: '您占用的视频连接过多，请关闭其他视频会审或设备自检的标签页后重新进入',
    en: 'You hold too many video connections; close the other video review or device check tabs, then join again',
  },
  RTC_TOO_MANY_SELF_TESTS: {
    status: 429,
    zh: '设备自检已在其他标签页中打开，请先关闭那些标签页再试',
    en: 'The device check is already open in other tabs; close them and try again',
  },
  // Join grants (接入凭证): a reviewer of the handling site joins the call at the intake site.
  GRANT_SESSION_CLOSED: {
    status: 409,
    zh: '该视频会审已结束或已被窗口撤回，不能再加入；请刷新待审队列',
    en: 'This video review has ended or was withdrawn by the window; it can no longer be joined — refresh the queue',
  },
  GRANT_SITE_MISMATCH: {
    status: 403,
    zh: '该办件不由请求方站点或该审核人员所在的办理机构办理，不签发接入凭证；请核对事项的办理机构',
    en: 'The case is not handled by the requesting site or by this reviewer’s office; no join grant is issued — check the item’s handling office',
  },
  GRANT_UNKNOWN: {
    status: 401,
    zh: '接入凭证无效，请回到本省系统的待审队列重新进入视频会审',
    en: 'This join grant is not valid; go back to your own site’s queue and join the video review again',
  },
  GRANT_EXPIRED: {
    status: 401,
    zh: '接入凭证已过期（有效期 5 分钟），请回到本省系统的待审队列重新进入视频会审',
    en: 'This join grant has expired (valid 5 minutes); go back to your own site’s queue and join the video review again',
  },
  GRANT_USED: {
    status: 401,
    zh: '接入凭证已被使用过（每个凭证只能进入一次），请回到本省系统重新进入视频会审以获取新的凭证',
    en: 'This join grant has already been used (each opens the call once); join again from your own site to get a new one',
  },
  GRANT_WRONG_SESSION: {
    status: 403,
    zh: '该接入凭证只能进入签发它的那一场视频会审',
    en: 'This join grant opens only the video review it was issued for',
  },
  GRANT_REQUEST_REPEATED: {
    status: 409,
    zh: '该接入凭证请求已处理过（同一请求编号不再签发），请重新发起请求',
    en: 'This join grant request was already answered (a request id is granted once); send a new request',
  },
  GRANT_INVALID: {
    status: 502,
    zh: '收件站点返回的接入凭证无效（签名、内容或时间不符，请核对两端时钟），请稍后重试',
    en: 'The intake site’s join grant does not verify (signature, content or time — check both clocks); try again shortly',
  },
  // A co-review of a peer site: accepted once, decided at the handling site, signed there.
  GRANT_NOT_ACCEPTED: {
    status: 409,
    zh: '您尚未接单这一视频会审，请在本站待审队列中点击“接单”后再加入',
    en: 'You have not taken this video co-review; take it (接单) in your site’s queue, then join',
  },
  REVIEW_ASSIGNED_TO_OTHER: {
    status: 409,
    zh: '该视频会审已随机分配给其他审核人员',
    en: 'This video review was assigned to another reviewer',
  },
  REVIEW_ALREADY_ACCEPTED: {
    status: 409,
    zh: '该视频会审已由其他审核人员接单，请刷新待审队列',
    en: 'Another reviewer has already taken this video review; refresh the queue',
  },
  REVIEW_DECISION_SIGNATURE_INVALID: {
    status: 403,
    zh: '审查结论的签名无效（未签名、被篡改或签名密钥不受信任），已拒收；请办理站点管理员核对站点密钥后重新发送',
    en: 'The decision’s signature does not verify (unsigned, altered, or an untrusted key); refused — the handling site’s administrator should check the site keys and send it again',
  },
  REVIEW_DECISION_SITE_MISMATCH: {
    status: 403,
    zh: '审查结论不是由承载该办件办理机构的站点及其审核人员作出的，已拒收；请核对事项的办理机构',
    en: 'The decision is not from the site hosting the case’s handling office or one of its reviewers; refused — check the item’s handling office',
  },
} as const satisfies Record<string, ErrorSpec>;
