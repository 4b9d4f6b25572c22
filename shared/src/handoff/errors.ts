import type { ErrorSpec } from '../errors';

/**
 * Codes of the handoff feature (bags, transfers between sites, results, ratings). A bag problem
 * names the file at fault in `details.file`.
 */
export const HANDOFF_ERRORS = {
  BAG_ZIP_UNREADABLE: {
    status: 422,
    zh: '转递包不是有效的 ZIP 文件，请重新生成',
    en: 'The handoff bag is not a readable ZIP file; build it again',
  },
  BAG_ZIP_UNSAFE_PATH: {
    status: 422,
    zh: '转递包含有越出包目录的路径（可能被篡改），已拒收',
    en: 'The bag has an entry path that escapes the bag (possibly tampered); refused',
  },
  BAG_ZIP_SYMLINK: { status: 422, zh: '转递包含有符号链接，已拒收', en: 'The bag contains a symbolic link; refused' },
  BAG_ZIP_TOO_LARGE: {
    status: 413,
    zh: '转递包解压后过大或压缩比异常（疑似压缩炸弹），已拒收',
    en: 'The bag expands too much (zip bomb suspected); refused',
  },
  BAG_ZIP_CORRUPT: {
    status: 422,
    zh: '转递包中的文件已损坏（CRC 校验失败），请重新传输',
    en: 'A file in the bag is corrupt (CRC mismatch); transfer it again',
  },
  BAG_LAYOUT_INVALID: { status: 422, zh: '转递包结构不符合 BagIt 规范', en: 'The bag layout does not follow BagIt' },
  BAG_TAG_FILE_INVALID: { status: 422, zh: '转递包的标签文件格式有误', en: 'A tag file of the bag is malformed' },
  BAG_DECISION_MISMATCH: {
    status: 409,
    zh: '转递包中的会审结论与本站审核员签署的结论不一致，已拒收；请与收件地核对后重新转递',
    en: "The bag's co-review decision differs from the one this site's reviewer signed; refused — check with the intake site and transfer again",
  },
  BAG_FILE_MISSING: {
    status: 422,
    zh: '转递包缺少清单中列出的文件（材料可能丢失）',
    en: 'A file listed in a manifest is missing from the bag',
  },
  BAG_FILE_UNEXPECTED: {
    status: 422,
    zh: '转递包含有清单之外的文件（可能被夹带）',
    en: 'The bag holds a payload file that no manifest lists',
  },
  BAG_CHECKSUM_MISMATCH: {
    status: 422,
    zh: '转递包中的文件校验值不符（内容被改动）',
    en: 'A file in the bag does not match its checksum (content altered)',
  },
  BAG_OXUM_MISMATCH: {
    status: 422,
    zh: '转递包的文件数量或总字节数与 Payload-Oxum 不符',
    en: 'The payload file count or byte total does not match Payload-Oxum',
  },
  BAG_SIGNATURE_MISSING: { status: 422, zh: '转递包没有受理单位签名，已拒收', en: 'The bag is not signed by the intake office; refused' },
  BAG_SIGNATURE_INVALID: {
    status: 422,
    zh: '转递包签名验证失败（内容或签名被改动）',
    en: 'The bag signature does not verify (content or signature altered)',
  },
  BAG_SIGNER_UNTRUSTED: {
    status: 422,
    zh: '转递包的签名密钥不在信任列表中，请核对对方单位公钥',
    en: 'The bag is signed by a key that is not trusted; check the peer office key',
  },
  BAG_CASE_INVALID: {
    status: 422,
    zh: '转递包中的办件信息（case.json）有字段不符合要求，已拒收；请对方站点核对后重新转递',
    en: 'A field of the case record in the bag (case.json) is invalid; refused — ask the sending site to check it and transfer again',
  },
  BAG_MATERIAL_NOT_IN_PAYLOAD: {
    status: 422,
    zh: '办件信息列出的材料不在转递包的载荷清单中，已拒收',
    en: 'A material listed in case.json is not in the bag payload manifest; refused',
  },
  BAG_MATERIAL_TYPE_MISMATCH: {
    status: 422,
    zh: '转递包中材料的实际文件类型与声明不符（只收 JPEG、PNG、PDF），已拒收',
    en: 'A material in the bag is not the file type it is declared as (only JPEG, PNG, PDF); refused',
  },
  BAG_OFFICE_MISMATCH: {
    status: 422,
    zh: '转递包中的收件或办理单位与本站事项目录不符，已拒收；请双方核对事项目录与单位配置',
    en: 'The intake or handling office in the bag does not match the catalogue here; refused — compare both sites’ catalogues and offices',
  },
  BAG_AUDIT_CHAIN_BROKEN: {
    status: 422,
    zh: '转递包内的审计记录哈希不符（记录被改动）',
    en: 'An audit event inside the bag fails its hash (record altered)',
  },
  HANDOFF_CASE_NOT_READY: {
    status: 409,
    zh: '办件尚未受理，不能转递；请先完成视频会审并受理',
    en: 'The case is not accepted yet; finish the review and accept it before handing it off',
  },
  HANDOFF_ALREADY_HANDED_OFF: {
    status: 409,
    zh: '办件已转递，不能再次转递；请在转递面板查看交接单与转递状态',
    en: 'The case has already been handed off; see the handoff panel for the cover sheet and transfer status',
  },
  HANDOFF_CASE_IN_HANDLING: {
    status: 409,
    zh: '办件已在办理地办理中，无需再转递；请等待办理地办结',
    en: 'The case is already in handling at the handling office; nothing to hand off, wait for the result',
  },
  HANDOFF_CASE_CLOSED: {
    status: 409,
    zh: '办件已办结或已终止（不予受理、撤回），不能转递',
    en: 'The case is completed or closed (rejected or withdrawn); it cannot be handed off',
  },
  HANDOFF_NOT_FOUND: {
    status: 404,
    zh: '该办件还没有生成转递包，请先转递',
    en: 'No handoff bag exists for this case yet; hand it off first',
  },
  PEER_SITE_UNKNOWN: {
    status: 400,
    zh: '未配置对方站点，请联系管理员配置 PEER_SITES 与对方公钥',
    en: 'No peer site is configured for this office; ask the administrator to set PEER_SITES and the peer key',
  },
  PEER_SITE_UNREACHABLE: {
    status: 502,
    zh: '无法连接对方站点，请稍后重试（重试不会重复建件）',
    en: 'The peer site cannot be reached; try again later (a retry never creates a second case)',
  },
  PEER_SITE_REFUSED: { status: 502, zh: '对方站点拒收，请查看原因后处理', en: 'The peer site refused the request; see the reason' },
  TRANSFER_UNSIGNED: { status: 401, zh: '请求没有站点签名，已拒收', en: 'The request is not signed by a site; refused' },
  TRANSFER_SIGNATURE_INVALID: { status: 401, zh: '请求签名验证失败，已拒收', en: 'The request signature does not verify; refused' },
  TRANSFER_KEY_UNTRUSTED: { status: 403, zh: '请求方站点或密钥不在信任列表中', en: 'The sending site or its key is not trusted here' },
  TRANSFER_EXPIRED: {
    status: 401,
    zh: '请求时间戳超出允许范围（可能是重放），请核对两端时钟后重试',
    en: 'The request timestamp is outside the allowed window (replay?); check both clocks and retry',
  },
  TRANSFER_BODY_MISMATCH: {
    status: 400,
    zh: '请求内容与签名中的摘要不符（传输中被改动）',
    en: 'The request body does not match its signed digest (altered in transit)',
  },
  TRANSFER_IDEMPOTENCY_CONFLICT: {
    status: 409,
    zh: '同一幂等键已用于不同内容，已拒收',
    en: 'This idempotency key was already used for different content',
  },
  TRANSFER_CASE_EXISTS: { status: 409, zh: '该办件已由其他转递导入本站', en: 'This case was already imported here by another transfer' },
  RECEIPT_INVALID: {
    status: 502,
    zh: '对方回执签名无效，转递未确认',
    en: 'The peer receipt does not verify; the transfer is not confirmed',
  },
  RESULT_INVALID: {
    status: 400,
    zh: '办结结果信息不完整：请上传结果文书或填写邮寄快递单号',
    en: 'The result is incomplete: upload the result document or give the mail waybill number',
  },
  RESULT_DOCUMENT_TOO_LARGE: {
    status: 413,
    zh: '结果文书过大，无法随办结结果网上送回收件地（上限 48 MB）：请压缩或降低扫描分辨率后重新上传，或改为邮寄纸质结果',
    en: 'The result document is too large to go back to the intake site online (limit 48 MB): compress it or scan at a lower resolution and upload again, or mail the paper result',
  },
  RESULT_CASE_UNKNOWN: { status: 404, zh: '本站没有与该结果对应的办件', en: 'No case here matches this result' },
  RATING_APPEND_ONCE: { status: 409, zh: '该评价已有追评，每个评价只能追评一次', en: 'This rating already has its one follow-up comment' },
  RATING_APPEND_DEFAULT: {
    status: 409,
    zh: '默认好评不是申请人作出的评价，不能追评',
    en: 'A default rating was not given by the applicant, so it takes no follow-up comment',
  },
  RATING_CALLBACK_DONE: { status: 409, zh: '该差评已记录回访', en: 'The call-back of this rating is already recorded' },
  RATING_APPEAL_EXISTS: { status: 409, zh: '该评价已提出申诉复核', en: 'An appeal against this rating has already been filed' },
  RATING_APPEAL_NONE: { status: 409, zh: '该评价没有待复核的申诉', en: 'This rating has no appeal waiting for a decision' },
  RATING_TOKEN_INVALID: {
    status: 404,
    zh: '评价链接无效或已使用，请向窗口工作人员索取新链接',
    en: 'This rating link is invalid or already used; ask the window for a new one',
  },
  HANDOFF_NOT_RECEIVED: {
    status: 404,
    zh: '该办件不是经网上转递接收的，本站没有收到的转递包',
    en: 'This case did not arrive here by online transfer; there is no received bag',
  },
  HANDOFF_RECEIVED_FILE_UNKNOWN: {
    status: 404,
    zh: '转递包的审查记录中没有这个文件，请从审查记录列表中打开',
    en: 'The review record in the bag lists no such file; open it from the review record list',
  },
  RECEIVING_CODE_INVALID: {
    status: 400,
    zh: '无法识别：请扫描交接单右上角的二维码，或输入办件编号（如 GD-SG-20261125-0001）',
    en: 'Not recognised: scan the QR code at the top right of the cover sheet, or type the case number (e.g. GD-SG-20261125-0001)',
  },
  RECEIVING_CASE_UNKNOWN: {
    status: 404,
    zh: '本站没有这个办件编号，请核对交接单上的办件编号',
    en: 'No case with this number is held here; check the case number on the cover sheet',
  },
  RECEIVING_CASE_AT_OTHER_SITE: {
    status: 404,
    zh: '该办件由其他站点收件，尚未网上转递到本站；请联系收件窗口网上转递办件记录后再签收',
    en: 'This case was received at another site and has not been transferred here online; ask the intake window to transfer its record, then sign for it',
  },
  RECEIVING_COVER_SHEET_MISMATCH: {
    status: 409,
    zh: '交接单与本站的办件记录不一致（转递包校验值不同），请勿签收，并联系收件窗口核实',
    en: 'The cover sheet does not match the case record here (another bag checksum); do not sign, and check with the intake window',
  },
  RECEIVING_NOT_HANDED_OFF: {
    status: 409,
    zh: '办件尚未转递到办理单位，没有可签收的材料',
    en: 'The case has not been handed off to the handling office yet; there is nothing to sign for',
  },
  RECEIVING_NO_ENVELOPE: {
    status: 409,
    zh: '该办件为网上转递，事项没有需要邮寄的原件，无需签收',
    en: 'This case came by online transfer and its item needs no paper originals; there is nothing to sign for',
  },
  RECEIVING_ALREADY_SIGNED: {
    status: 409,
    zh: '已签收，无需再次签收',
    en: 'Already signed for; nothing more to sign',
  },
  RECEIVING_WAYBILL_MISMATCH: {
    status: 422,
    zh: '运单号与收件窗口寄出时登记的不一致，请核对信封上的运单号',
    en: 'The waybill number differs from the one the intake window recorded; check the number on the envelope',
  },
  RECEIVING_NOT_SIGNED: {
    status: 409,
    zh: '请先签收邮寄的交接材料，再开始办理',
    en: 'Sign for the mailed handoff envelope before starting to handle the case',
  },
  RECEIVING_ALREADY_STARTED: {
    status: 409,
    zh: '办件已在办理中（或已办结），无需再开始办理',
    en: 'The case is already in handling (or completed); nothing to start',
  },
  ORIGINALS_NOT_NEEDED: {
    status: 409,
    zh: '该事项没有需要邮寄的原件（或原件已随交接单邮寄），无需登记',
    en: 'This item has no paper originals to mail (or they went with the cover sheet); nothing to record',
  },
  ORIGINALS_ALREADY_MAILED: {
    status: 409,
    zh: '原件寄出信息已登记，不能修改',
    en: 'The originals’ mailing is already recorded; it cannot be changed',
  },
  ORIGINALS_WRONG_STATE: {
    status: 409,
    zh: '只有已转递或办理中的办件可以登记原件寄出；转递时可一并登记',
    en: 'Only a handed-off case or one in handling can record mailed originals; record them with the transfer',
  },
} as const satisfies Record<string, ErrorSpec>;

export type HandoffErrorCode = keyof typeof HANDOFF_ERRORS;
