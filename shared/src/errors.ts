/**
 * One error type for the whole product. Codes are stable strings, tested by name; the
 * server maps them to HTTP responses and the client shows the message in the user's language.
 */
import { CASE_ERRORS } from './cases/errors';
import { HANDOFF_ERRORS } from './handoff/errors';
import { PRECHECK_ERRORS } from './precheck/errors';
import { RECEIPT_ERRORS } from './cases/receiptErrors';
import { CORRECTION_ERRORS } from './cases/correctionErrors';
import { ORIGINAL_CHECK_ERRORS } from './cases/originalCheckErrors';
import { SIGNATURE_ERRORS } from './signature/signatureErrors';
import { REVIEW_ERRORS } from './review/errors';
import { RETENTION_ERRORS } from './retention/retention';
import { REVIEW_QA_ERRORS } from './reviewQa/reviewQa';
import { ANNOTATION_ERRORS } from './annotations/annotationErrors';

export interface ErrorSpec {
  status: number;
  zh: string;
  en: string;
}

/** Codes any feature may throw: request shape, sign-in, roles, uploads, the server itself. */
const COMMON_ERRORS = {
  VALIDATION_FAILED: { status: 400, zh: '请求内容不符合要求，请检查后重试', en: 'The request is not valid; check it and try again' },
  MALFORMED_JSON: { status: 400, zh: '请求不是有效的 JSON', en: 'The request body is not valid JSON' },
  AUTH_REQUIRED: { status: 401, zh: '请先登录', en: 'Please log in first' },
  AUTH_INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  AUTH_RATE_LIMITED: { status: 429, zh: '登录尝试过于频繁，请稍后再试', en: 'Too many login attempts; wait a moment and try again' },
  FORBIDDEN_ROLE: { status: 403, zh: '您的角色无权执行此操作', en: 'Your role may not do this' },
  FORBIDDEN_OFFICE: { status: 403, zh: '该办件不属于您的单位', en: 'This case does not belong to your office' },
  NOT_FOUND: { status: 404, zh: '未找到', en: 'Not found' },
  CASE_NOT_FOUND: { status: 404, zh: '办件不存在', en: 'Case not found' },
  ITEM_UNKNOWN: { status: 400, zh: '事项不存在，请从事项清单中选择', en: 'Unknown service item; pick one from the catalog' },
  ID_NUMBER_INVALID: {
    status: 400,
    zh: '身份证号码校验位错误，请核对原件',
    en: 'The ID number fails its checksum; check the original card',
  },
  USCC_INVALID: {
    status: 400,
    zh: '统一社会信用代码校验位错误，请核对原件',
    en: 'The unified social credit code fails its checksum; check the original',
  },
  CASE_ILLEGAL_TRANSITION: { status: 409, zh: '办件当前状态不允许此操作', en: 'The case is not in a state that allows this' },
  CASE_TRANSITION_FORBIDDEN: { status: 403, zh: '您的角色不能执行此办件操作', en: 'Your role may not make this case transition' },
  MATERIAL_NOT_FOUND: { status: 404, zh: '材料不存在', en: 'Material not found' },
  MATERIAL_SLOT_UNKNOWN: { status: 400, zh: '该事项没有这一项申请材料', en: 'This service item has no such material' },
  UPLOAD_TOO_LARGE: {
    status: 413,
    zh: '文件过大，请压缩或分页扫描后重新上传',
    en: 'The file is too large; compress it or scan fewer pages',
  },
  UPLOAD_TYPE_REJECTED: { status: 415, zh: '只接受 JPEG、PNG 或 PDF 文件', en: 'Only JPEG, PNG or PDF files are accepted' },
  UPLOAD_EMPTY: { status: 400, zh: '文件为空，请重新扫描', en: 'The file is empty; scan it again' },
  UPLOAD_MALFORMED: { status: 400, zh: '上传请求格式不正确', en: 'The upload request is malformed' },
  REQUEST_BODY_TOO_LARGE: {
    status: 413,
    zh: '请求内容过大，请减少一次提交的内容后重试',
    en: 'The request body is too large; send less in one request',
  },
  REQUEST_NOT_JSON: {
    status: 415,
    zh: '请求内容须为 JSON（Content-Type: application/json）',
    en: 'The request body must be JSON (Content-Type: application/json)',
  },
  ORIGIN_FORBIDDEN: {
    status: 403,
    zh: '请求来自其他网站，已拒绝。请直接打开本系统的网址后再操作',
    en: 'The request comes from another site and was refused; open this system’s own address and try again',
  },
  CONFIG_INVALID: { status: 500, zh: '服务器配置有误', en: 'The server configuration is invalid' },
  INTERNAL: { status: 500, zh: '服务器内部错误，请联系技术支持', en: 'Internal server error; contact support' },
} as const satisfies Record<string, ErrorSpec>;

/**
 * The catalogue: every code the product throws, each feature's next to its code. Static, so a
 * code missing from it is a compile error rather than a 500 at run time.
 */
export const ERRORS = {
  ...COMMON_ERRORS,
  ...CASE_ERRORS,
  ...PRECHECK_ERRORS,
  ...REVIEW_ERRORS,
  ...HANDOFF_ERRORS,
  ...RETENTION_ERRORS,
  ...REVIEW_QA_ERRORS,
  ...RECEIPT_ERRORS,
  ...CORRECTION_ERRORS,
  ...ORIGINAL_CHECK_ERRORS,
  ...ANNOTATION_ERRORS,
  ...SIGNATURE_ERRORS,
} satisfies NoCodeTwice<
  [
    typeof COMMON_ERRORS,
    typeof CASE_ERRORS,
    typeof PRECHECK_ERRORS,
    typeof REVIEW_ERRORS,
    typeof HANDOFF_ERRORS,
    typeof RECEIPT_ERRORS,
    typeof CORRECTION_ERRORS,
    typeof ORIGINAL_CHECK_ERRORS,
    typeof ANNOTATION_ERRORS,
    typeof SIGNATURE_ERRORS,
  ]
>;

/** A spread keeps the later of two equal keys silently; this names such a code in a compile error instead. */
type NoCodeTwice<T extends readonly object[], Seen extends PropertyKey = never> = T extends readonly [
  infer Head,
  ...infer Rest extends readonly object[],
]
  ? [keyof Head & Seen] extends [never]
    ? NoCodeTwice<Rest, Seen | keyof Head>
    : { declaredTwice: keyof Head & Seen }
  : object;

export type ErrorCode = keyof typeof ERRORS;

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}

/** The spec of a code read back from storage; INTERNAL's for a code no longer in the catalogue. */
export function errorSpec(code: string): ErrorSpec {
  return isErrorCode(code) ? ERRORS[code] : ERRORS.INTERNAL;
}

/**
 * The shape every coded error has: the server's AppError, and on the client the REST ApiError and
 * the signalling RtcError. The client's codes are plain strings: it also makes its own (e.g.
 * NETWORK_ERROR) and may talk to a server of another version.
 */
export interface CodedError<Code extends string = string> {
  readonly code: Code;
  readonly message_zh: string;
  readonly message_en: string;
  readonly details?: unknown;
}

/** The HTTP error body; `message` repeats the Chinese text for clients that read one message. */
export interface ErrorBody {
  error: CodedError & { message: string };
}

export class AppError extends Error implements CodedError<ErrorCode> {
  readonly code: ErrorCode;
  readonly status: number;
  readonly message_zh: string;
  readonly message_en: string;
  readonly details: unknown;

  constructor(code: ErrorCode, opts: { details?: unknown; zh?: string; en?: string; status?: number } = {}) {
    const spec: ErrorSpec = ERRORS[code];
    super(opts.en ?? spec.en);
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? spec.status;
    this.message_zh = opts.zh ?? spec.zh;
    this.message_en = opts.en ?? spec.en;
    this.details = opts.details;
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message_zh,
        message_zh: this.message_zh,
        message_en: this.message_en,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
