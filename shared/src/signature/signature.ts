import { z } from 'zod';
import type { CaseState } from '../cases/stateMachine';
import { freeText } from '../schemas/text';

/**
 * 申请人签名: the applicant signs the application's declaration (申请人承诺) — on their phone in the
 * video co-review, or on a tablet the window hands over (the clerk signed in). The exact text
 * signed and the signature image are kept with their SHA-256 hashes; the reviewer sees them in the
 * call, the receipt prints them, the handoff bag carries them (data/signature/). One signature in
 * force per case: signing again replaces it only with the clerk's reason.
 */

export const SIGNATURE_CHANNELS = ['phone', 'window'] as const;
/** Where it was signed: the applicant's phone (their one-time link) or the window's device. */
export type SignatureChannel = (typeof SIGNATURE_CHANNELS)[number];

export const SIGNATURE_CHANNEL_LABELS: Record<SignatureChannel, { zh: string; en: string }> = {
  phone: { zh: '申请人手机签名', en: 'Signed on the applicant’s phone' },
  window: { zh: '窗口设备签名', en: 'Signed on the window’s device' },
};

/** Until the case leaves the window (转递): what the bag carries is signed by then. */
export const SIGNABLE_STATES: readonly CaseState[] = ['draft', 'prechecked', 'in_review', 'needs_correction', 'accepted'];

/** Bounds of what a signature may be; the pad and the server judge with the same numbers. */
export const SIGNATURE_LIMITS = {
  /** The PNG as sent (before the server re-encodes it). */
  maxPngBytes: 300_000,
  /** The pad's canvas, in CSS pixels × device pixel ratio, as drawn. */
  maxWidth: 2400,
  maxHeight: 1600,
  minWidth: 120,
  minHeight: 60,
  maxStrokes: 120,
  maxPointsPerStroke: 2000,
  maxPoints: 8000,
  /** Fewer points than this is a tap or a dot, not a signature. */
  minPoints: 12,
  /** The ink must span at least this share of the pad's width (or of its height). */
  minSpan: 0.12,
  /** Inked pixels the server must find in the image (a signature drawn in white is none). */
  minInkPixels: 120,
} as const;

const finite = z.number().finite();
/** One sampled point: x and y in the pad's pixels, pressure 0–1 (0.5 when the device reports none). */
const PointSchema = z.tuple([
  finite.min(0).max(SIGNATURE_LIMITS.maxWidth),
  finite.min(0).max(SIGNATURE_LIMITS.maxHeight),
  finite.min(0).max(1),
]);
export type SignaturePoint = z.infer<typeof PointSchema>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits');
const base64Png = z
  .string()
  .max(Math.ceil((SIGNATURE_LIMITS.maxPngBytes * 4) / 3) + 4, '签名图像过大')
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'imagePng: base64 PNG data');

/** What the pad sends: the image, the strokes it was drawn from, and the hash of the declaration shown. */
export const SignatureRequestSchema = z.strictObject({
  /** SHA-256 of the declaration text the signer read (from GET …/signature or 'review:declaration'). */
  declarationSha256: sha256Hex,
  /** The pad's PNG, base64 (no data: prefix). */
  imagePng: base64Png,
  pad: z.strictObject({
    width: z.number().int().min(SIGNATURE_LIMITS.minWidth).max(SIGNATURE_LIMITS.maxWidth),
    height: z.number().int().min(SIGNATURE_LIMITS.minHeight).max(SIGNATURE_LIMITS.maxHeight),
  }),
  strokes: z
    .array(z.array(PointSchema).min(1).max(SIGNATURE_LIMITS.maxPointsPerStroke))
    .min(1, '请先签名')
    .max(SIGNATURE_LIMITS.maxStrokes)
    .refine((s) => s.reduce((n, stroke) => n + stroke.length, 0) <= SIGNATURE_LIMITS.maxPoints, 'strokes: too many points'),
  /** Whether the device reported pen or finger pressure (the stroke width followed it). */
  pressure: z.boolean(),
  /** Signing again over a signature in force: the clerk's reason (window only). */
  replaceReason: freeText(500, { min: 1, minMessage: '请写明重新签名的原因', lines: 'multi' }).optional(),
});
export type SignatureRequest = z.infer<typeof SignatureRequestSchema>;
/** From the phone ('review:sign'): the applicant never replaces a signature themself. */
export const PhoneSignatureRequestSchema = SignatureRequestSchema.omit({ replaceReason: true });
export type PhoneSignatureRequest = z.infer<typeof PhoneSignatureRequestSchema>;

/**
 * Why these strokes are no signature (too few points, or all in one spot), or null when they
 * may be one. Pure: the pad asks before it sends, the server again on what it receives.
 */
export function signatureInkProblem(
  strokes: readonly (readonly SignaturePoint[])[],
  pad: { width: number; height: number },
): 'empty' | 'short' | null {
  const points = strokes.flat();
  if (points.length === 0) return 'empty';
  if (points.length < SIGNATURE_LIMITS.minPoints) return 'short';
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const spanX = (Math.max(...xs) - Math.min(...xs)) / pad.width;
  const spanY = (Math.max(...ys) - Math.min(...ys)) / pad.height;
  return Math.max(spanX, spanY) < SIGNATURE_LIMITS.minSpan ? 'short' : null;
}

/** A signature as the case page, the call and the phone see it. */
export interface SignatureView {
  channel: SignatureChannel;
  signedAt: string;
  /** Who signed, as the declaration names them. */
  signerName: string;
  /** At the window: the clerk whose device it was. */
  witnessedByName?: string;
  /** The exact text signed, and its SHA-256 (of its UTF-8 bytes). */
  text: string;
  textSha256: string;
  /** The stored PNG's SHA-256 (after the server's re-encoding). */
  imageSha256: string;
  width: number;
  height: number;
  strokes: number;
  points: number;
  pressure: boolean;
  /** The image was deleted at the end of the retention period (the hashes stay). */
  purged?: true;
  /** Replacing an earlier signature: the clerk's reason. */
  replacesReason?: string;
}

/** An earlier signature, replaced with a reason. */
export interface ReplacedSignatureView extends SignatureView {
  replacedAt: string;
  replacedByName: string;
  replacedReason: string;
}

/** The declaration to sign now: its text and hash (sent back with the signature). */
export interface DeclarationView {
  text: string;
  sha256: string;
}

/** GET /api/cases/:id/signature */
export interface CaseSignatureResponse {
  signature: SignatureView | null;
  replaced: ReplacedSignatureView[];
  /** Present when this user may have the applicant sign on this device now. */
  declaration?: DeclarationView;
}

/** What review.json (data/review/review.json) says of the signature. */
export interface SignatureFacts {
  textSha256: string;
  imageSha256: string;
  signedAt: string;
  channel: SignatureChannel;
}

/* ---------- the declaration (申请人承诺) ---------- */

export interface DeclarationFacts {
  applicantName: string;
  itemCode: string;
  itemName: string;
  caseNo: string;
  /** China calendar date, YYYY-MM-DD. */
  date: string;
}

/** What the applicant promises about the papers of each catalogue item (the sentence after the common one). */
export const DECLARATION_ITEM_CLAUSES: Readonly<Record<string, string>> = {
  'TB-SBK-SL': '本人确认未在其他地区重复申领社会保障卡，所留通讯地址可以收到制成的卡片。',
  'TB-YLBX-ZY': '本人确认所填转出地、转入地和参保缴费情况属实，同意经办机构据此办理养老保险关系转移接续。',
  'TB-HK-QY': '本人确认户口迁移所涉家庭成员情况和迁入地址属实，迁移后按规定办理相关证件变更。',
  'TB-GJJ-ZY': '本人确认住房公积金转出、转入账户信息属实，且转出地无未结清的公积金贷款。',
  'TB-YYZZ-BG': '本人确认变更事项已经企业依法作出决议，提交的登记材料与企业实际情况一致。',
  'TB-SY-DJ': '本人确认现处于失业状态、有就业要求，如已就业将及时告知经办机构。',
  'TB-YDJY-BA': '本人确认异地居住或工作情况属实，知悉备案后就医结算的相关规定。',
  'TB-JSZ-BL': '本人确认原驾驶证确已遗失或损毁，补领后原证作废，不再使用。',
  'TB-JYCY-SL': '本人确认所填就业、失业及创业情况属实。',
};
const DEFAULT_ITEM_CLAUSE = '本人确认所填申请信息与实际情况一致。';

const chineseDate = (ymd: string) => {
  const [y, m, d] = ymd.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
};

/**
 * 申请人承诺 of one application: one fixed text per catalogue item, with the applicant's name, the
 * item, the case number and the day filled in. What is signed is exactly this string.
 */
export function declarationText(f: DeclarationFacts): string {
  return [
    '申请人承诺',
    `本人${f.applicantName}申请办理“${f.itemName}”（办件编号 ${f.caseNo}），郑重承诺：所提交的申请材料真实、合法、有效，复印件与原件一致，所填写的信息准确无误；如有虚假，本人愿意承担相应的法律责任。`,
    DECLARATION_ITEM_CLAUSES[f.itemCode] ?? DEFAULT_ITEM_CLAUSE,
    '本人已知悉并同意：窗口和审批部门可通过视频对本人身份进行核验，核验中的截图、录像和本签名作为办件证据依法保存，保存期满后删除。',
    `申请人：${f.applicantName}`,
    `日期：${chineseDate(f.date)}`,
  ].join('\n');
}

const casePath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}`;
/** GET (the signature, the declaration to sign) and POST (sign at the window). */
export const signaturePath = (caseId: string) => `${casePath(caseId)}/signature`;
/** The signature image; `sha` makes each signature's URL its own (cacheable). */
export const signatureImagePath = (caseId: string, sha?: string) =>
  `${casePath(caseId)}/signature.png${sha ? `?v=${sha.slice(0, 16)}` : ''}`;
