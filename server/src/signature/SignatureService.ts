import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import sharp, { type OutputInfo } from 'sharp';
import { AppError, isAppError } from '@tongban/shared';
import { assertCan, can } from '@tongban/shared/cases/access';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import {
  declarationText,
  signatureInkProblem,
  SIGNABLE_STATES,
  SIGNATURE_LIMITS,
  type CaseSignatureResponse,
  type DeclarationView,
  type PhoneSignatureRequest,
  type ReplacedSignatureView,
  type SignatureChannel,
  type SignatureRequest,
  type SignatureView,
} from '@tongban/shared/signature/signature';
import { actorOf, type SessionUser } from '../auth/AuthService';
import { APPLICANT_ACTOR, type Actor } from '../audit/AuditLedger';
import type { CaseRecord, CaseService, CaseWorkRule } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import type { SiteServices } from '../feature';
import type { PayloadFile } from '../handoff/bag/bagWriter';
import { sniffMediaType } from '../materials/mediaType';
import type { ReviewPrincipal, ReviewSessionService } from '../review/ReviewSessionService';

export interface SignatureDeps extends Pick<SiteServices, 'db' | 'clock' | 'ids' | 'ledger' | 'blobs'> {
  cases: CaseService;
  catalog: Pick<CatalogService, 'itemForCase'>;
  /** The phone signs in the call: its key's active session names the case, and the call is told of the signature. */
  review: Pick<ReviewSessionService, 'activeForApplicant' | 'signatureChanged'>;
}

const WINDOW_RULE: CaseWorkRule = {
  action: 'signature.signAtWindow',
  refusal: { zh: '申请人在收件窗口的设备上签名', en: 'The applicant signs on the device of the case’s intake window' },
  wrongState: (c) => new AppError('SIGNATURE_CLOSED', { details: { caseId: c.id, state: c.state } }),
};

interface SignatureRow {
  id: string;
  case_id: string;
  channel: SignatureChannel;
  session_id: string | null;
  signer_name: string;
  witnessed_by_name: string | null;
  text: string;
  text_sha256: string;
  image_sha256: string;
  width: number;
  height: number;
  strokes: number;
  points: number;
  pressure: number;
  signed_at: string;
  replaces_reason: string | null;
  replaced_at: string | null;
  replaced_by_name: string | null;
  replaced_reason: string | null;
  purged_at: string | null;
}

/** Who is signing, and through which door: the applicant's phone key, or the clerk's device at the window. */
type Signer = { channel: 'phone'; sessionId: string; actor: Actor } | { channel: 'window'; user: SessionUser; actor: Actor };

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * 申请人签名: the declaration (申请人承诺) the applicant reads, filled in for their case and the day;
 * their signature on it from the phone in the call or from the window's device, the image
 * sniffed, checked for ink and re-encoded; stored with the exact text and both hashes, and its
 * audit event, in one transaction. One in force per case: a second one only replaces it with the
 * clerk's reason, the first kept as the record.
 */
export class SignatureService {
  constructor(private readonly deps: SignatureDeps) {}

  /** The declaration of this case as of today (China calendar): its text and hash. */
  declaration(c: CaseRecord): DeclarationView {
    const item = this.deps.catalog.itemForCase(c);
    const text = declarationText({
      applicantName: c.applicant.name,
      itemCode: item.code,
      itemName: item.name,
      caseNo: c.caseNo,
      date: chinaDate(this.deps.clock.now()),
    });
    return { text, sha256: sha256(text) };
  }

  /** GET /api/cases/:id/signature: the signature in force, the replaced ones, and the declaration when this user may have it signed now. */
  forCase(caseId: string, user: SessionUser): CaseSignatureResponse {
    const c = this.deps.cases.getForUser(caseId, user);
    const rows = this.rows(c.id);
    const current = rows.find((r) => !r.replaced_at);
    return {
      signature: current ? viewOf(current) : null,
      replaced: rows.filter((r) => r.replaced_at).map(replacedViewOf),
      ...(this.mayWitness(user, c) ? { declaration: this.declaration(c) } : {}),
    };
  }

  /** The applicant's phone, in the call: the declaration to sign. */
  declarationForApplicant(principal: ReviewPrincipal): DeclarationView {
    const { c } = this.deps.review.activeForApplicant(principal);
    assertCan({ role: 'applicant' }, 'signature.applicantSign', c);
    this.assertOpen(c);
    return this.declaration(c);
  }

  /** The applicant signs on their phone in the call; once (the window replaces it with a reason if need be). */
  async signFromPhone(principal: ReviewPrincipal, body: PhoneSignatureRequest): Promise<SignatureView> {
    const { sessionId, c } = this.deps.review.activeForApplicant(principal);
    assertCan({ role: 'applicant' }, 'signature.applicantSign', c);
    this.assertOpen(c);
    return this.sign(c, { channel: 'phone', sessionId, actor: APPLICANT_ACTOR }, body);
  }

  /** 在本机签名: the applicant signs on the window's device, the clerk signed in (and giving the reason when it replaces one). */
  async signAtWindow(caseId: string, user: SessionUser, body: SignatureRequest): Promise<SignatureView> {
    const c = this.deps.cases.getForWork(caseId, user, WINDOW_RULE);
    return this.sign(c, { channel: 'window', user, actor: actorOf(user) }, body);
  }

  /** The image of the signature in force, for a participant of the case (it is the applicant's hand). */
  image(caseId: string, user: SessionUser): { sha256: string; caseNo: string } {
    const c = this.deps.cases.getForFiles(caseId, user);
    const row = this.inForceRow(c.id);
    if (!row) throw new AppError('SIGNATURE_NONE', { details: { caseId: c.id } });
    if (row.purged_at) throw new AppError('RETENTION_PURGED', { details: { caseId: c.id, sha256: row.image_sha256 } });
    return { sha256: row.image_sha256, caseNo: c.caseNo };
  }

  /** The signature in force, for the session views. */
  inForce(caseId: string): SignatureView | undefined {
    const row = this.inForceRow(caseId);
    return row ? viewOf(row) : undefined;
  }

  /** What the receipt prints: the image (unless deleted) and the facts. */
  async forReceipt(caseId: string): Promise<{ view: SignatureView; png?: Buffer } | null> {
    const row = this.inForceRow(caseId);
    if (!row) return null;
    return { view: viewOf(row), ...(row.purged_at ? {} : { png: await buffer(this.deps.blobs.open(row.image_sha256)) }) };
  }

  /**
   * data/signature/ of the case's bag: the image, the exact text signed, and signature.json (the
   * facts and both hashes); the replaced ones are in the audit trail the bag carries.
   */
  async forBag(caseId: string): Promise<PayloadFile[]> {
    const row = this.inForceRow(caseId);
    if (!row || row.purged_at) return [];
    const view = viewOf(row);
    const { text: _text, ...facts } = view;
    return [
      { path: 'signature.png', content: await buffer(this.deps.blobs.open(row.image_sha256)) },
      { path: 'declaration.txt', content: Buffer.from(row.text, 'utf8') },
      {
        path: 'signature.json',
        content: Buffer.from(`${JSON.stringify({ ...facts, image: 'signature.png', text: 'declaration.txt' }, null, 2)}\n`),
      },
    ];
  }

  private async sign(c: CaseRecord, signer: Signer, body: PhoneSignatureRequest & { replaceReason?: string }): Promise<SignatureView> {
    const { db, clock, ids, ledger, blobs, cases } = this.deps;
    const declaration = this.declaration(c);
    if (body.declarationSha256 !== declaration.sha256) throw new AppError('SIGNATURE_DECLARATION_CHANGED', { details: { caseId: c.id } });
    const ink = signatureInkProblem(body.strokes, body.pad);
    if (ink) throw new AppError('SIGNATURE_TOO_SHORT', { details: { problem: ink, points: body.strokes.flat().length } });
    const current = this.inForceRow(c.id);
    this.assertMayReplace(current, signer, body.replaceReason);
    const png = await cleanSignaturePng(body.imagePng);
    const stored = await blobs.store(Readable.from([png.bytes]), { maxBytes: SIGNATURE_LIMITS.maxPngBytes * 4, mediaType: 'image/png' });
    const now = clock.now().toISOString();
    const id = ids.uuid();
    const points = body.strokes.reduce((n, s) => n + s.length, 0);
    db.transaction(() => {
      // Read again inside the transaction: the case may have moved on, or a second signer been quicker, while the image was decoded.
      this.assertOpen(cases.get(c.id));
      const inForce = this.inForceRow(c.id);
      this.assertMayReplace(inForce, signer, body.replaceReason);
      const witness = signer.channel === 'window' ? signer.user : undefined;
      if (inForce)
        db.prepare('UPDATE case_signatures SET replaced_at = ?, replaced_by_name = ?, replaced_reason = ? WHERE id = ?').run(
          now,
          witness?.displayName ?? null,
          body.replaceReason ?? null,
          inForce.id,
        );
      db.prepare(
        `INSERT INTO case_signatures (id, case_id, channel, session_id, signer_name, witnessed_by, witnessed_by_name, text, text_sha256,
           image_sha256, width, height, strokes, points, pressure, signed_at, replaces_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        c.id,
        signer.channel,
        signer.channel === 'phone' ? signer.sessionId : null,
        c.applicant.name,
        witness?.id ?? null,
        witness?.displayName ?? null,
        declaration.text,
        declaration.sha256,
        stored.sha256,
        png.width,
        png.height,
        body.strokes.length,
        points,
        body.pressure ? 1 : 0,
        now,
        inForce ? (body.replaceReason ?? null) : null,
      );
      ledger.append(signer.actor, 'signature.signed', {
        caseId: c.id,
        details: {
          channel: signer.channel,
          ...(signer.channel === 'phone' ? { sessionId: signer.sessionId } : {}),
          textSha256: declaration.sha256,
          imageSha256: stored.sha256,
          strokes: body.strokes.length,
          points,
          pressure: body.pressure,
          ...(inForce ? { replacesImageSha256: inForce.image_sha256, replaceReason: body.replaceReason } : {}),
        },
      });
      cases.touch(c.id);
      cases.changes.changed(c.id, 'signature', signer.channel === 'window' ? signer.actor : null);
    })();
    this.deps.review.signatureChanged(c.id);
    return viewOf(this.inForceRow(c.id)!);
  }

  /** A signature in force is replaced only at the window, with the clerk's reason; the phone never replaces one. */
  private assertMayReplace(current: SignatureRow | undefined, signer: Signer, reason: string | undefined): void {
    if (!current) return;
    if (signer.channel === 'phone' || !reason)
      throw new AppError('SIGNATURE_EXISTS', { details: { signedAt: current.signed_at, channel: current.channel } });
  }

  /** Until the case leaves the window (转递), as at the window. */
  private assertOpen(c: CaseRecord): void {
    if (!SIGNABLE_STATES.includes(c.state)) throw new AppError('SIGNATURE_CLOSED', { details: { caseId: c.id, state: c.state } });
  }

  private mayWitness(user: SessionUser, c: CaseRecord): boolean {
    return can(user, 'signature.signAtWindow', c);
  }

  private rows(caseId: string): SignatureRow[] {
    return this.deps.db.prepare('SELECT * FROM case_signatures WHERE case_id = ? ORDER BY signed_at, rowid').all(caseId) as SignatureRow[];
  }

  private inForceRow(caseId: string): SignatureRow | undefined {
    return this.deps.db.prepare('SELECT * FROM case_signatures WHERE case_id = ? AND replaced_at IS NULL').get(caseId) as
      SignatureRow | undefined;
  }
}

function viewOf(r: SignatureRow): SignatureView {
  return {
    channel: r.channel,
    signedAt: r.signed_at,
    signerName: r.signer_name,
    ...(r.witnessed_by_name ? { witnessedByName: r.witnessed_by_name } : {}),
    text: r.text,
    textSha256: r.text_sha256,
    imageSha256: r.image_sha256,
    width: r.width,
    height: r.height,
    strokes: r.strokes,
    points: r.points,
    pressure: r.pressure === 1,
    ...(r.purged_at ? { purged: true as const } : {}),
    ...(r.replaces_reason ? { replacesReason: r.replaces_reason } : {}),
  };
}

function replacedViewOf(r: SignatureRow): ReplacedSignatureView {
  return { ...viewOf(r), replacedAt: r.replaced_at!, replacedByName: r.replaced_by_name ?? '', replacedReason: r.replaced_reason ?? '' };
}

/** Dark enough to be ink on the white the image is flattened onto. */
const INK_LEVEL = 160;

/**
 * The pad's PNG made safe to keep and print: sniffed (PNG by its bytes), bounded in size before
 * it is decoded, flattened onto white and re-encoded (nothing of the sender's chunks or metadata
 * survives), and refused when it holds (almost) no ink.
 */
export async function cleanSignaturePng(base64: string): Promise<{ bytes: Buffer; width: number; height: number; inkPixels: number }> {
  const raw = Buffer.from(base64, 'base64');
  const invalid = (reason: string) => new AppError('SIGNATURE_IMAGE_INVALID', { details: { reason } });
  if (raw.length === 0 || raw.length > SIGNATURE_LIMITS.maxPngBytes) throw invalid('size');
  if (sniffMediaType(raw.subarray(0, 16)) !== 'image/png') throw invalid('not a PNG');
  const limitInputPixels = SIGNATURE_LIMITS.maxWidth * SIGNATURE_LIMITS.maxHeight;
  let grey: { data: Buffer; info: OutputInfo };
  let bytes: Buffer;
  try {
    const meta = await sharp(raw, { limitInputPixels }).metadata();
    if (meta.format !== 'png' || !meta.width || !meta.height) throw invalid('not a PNG');
    if (meta.width > SIGNATURE_LIMITS.maxWidth || meta.height > SIGNATURE_LIMITS.maxHeight) throw invalid('dimensions');
    const flat = () => sharp(raw, { limitInputPixels }).flatten({ background: '#ffffff' });
    grey = await flat().greyscale().raw().toBuffer({ resolveWithObject: true });
    bytes = await flat().png({ compressionLevel: 9, palette: true, colours: 16 }).toBuffer();
  } catch (e) {
    if (isAppError(e)) throw e;
    throw invalid('undecodable');
  }
  let inkPixels = 0;
  for (let i = 0; i < grey.data.length; i += grey.info.channels) if (grey.data[i]! < INK_LEVEL) inkPixels++;
  if (inkPixels < SIGNATURE_LIMITS.minInkPixels)
    throw new AppError('SIGNATURE_TOO_SHORT', { details: { problem: 'blank image', inkPixels } });
  return { bytes, width: grey.info.width, height: grey.info.height, inkPixels };
}
