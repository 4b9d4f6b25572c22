import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { AppError, type ServiceItem } from '@tongban/shared';
import { itemForCase } from '@tongban/shared/catalog/caseItem';
import { ImportedCaseJsonSchema, type BagMaterial, type ImportedCaseJson } from '@tongban/shared/handoff/caseJson';
import {
  TransferReceiptSchema,
  sameWaybill,
  type HandoffStatusView,
  type TransferReceipt,
  type TransferRequest,
} from '@tongban/shared/handoff/schemas';
import { parseCaseNumber } from '@tongban/shared/cases/caseNumber';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { CaseRecord } from '../cases/CaseService';
import { insertCaseRow } from '../cases/caseRows';
import { assertBagValid, verifyBag } from './bag/bagVerifier';
import { parseReview, readEntry, REVIEW_JSON, TEXT_CAP } from './bagReview';
import { hasOriginals } from './envelopes';
import { forEachZipEntry, DEFAULT_ZIP_LIMITS } from './bag/zipEntries';
import type { HandoffDeps, HandoffService } from './HandoffService';
import { MediaTypeGate } from '../materials/mediaType';
import { sanitizeFileName } from '../materials/fileName';
import { insertOriginalCheck } from '../materials/originalCheckRows';
import { PeerSites, describeError } from './peers';
import { signEnvelope, verifyEnvelope, type SignedEnvelope } from './siteSigning';

export const TRANSFERS_PATH = '/api/transfers';

interface TransferRow {
  id: string;
  case_id: string;
  peer_site: string;
  idempotency_key: string;
  body_sha256: string;
  status: 'sending' | 'sent' | 'failed' | 'imported';
  receipt_json: string | null;
  receipt_signature: string | null;
  receipt_key: string | null;
}

/**
 * 网上转递: the intake site pushes the case's signed bag to the handling office's site; that
 * site checks the request signature, streams the bag to disk, verifies it in full, imports the
 * case into the handling office's queue and answers with a signed receipt (回执), which the
 * intake site checks and keeps as it moves its case on. The idempotency key is derived from
 * case and bag, so a retry after a lost answer returns the first receipt and never a second case.
 */
export class TransferService {
  private readonly inFlight = new Map<string, Promise<SignedEnvelope<TransferReceipt>>>();

  constructor(
    private readonly deps: HandoffDeps & { tmpDir: string },
    private readonly handoff: HandoffService,
    private readonly peers: PeerSites,
  ) {}

  /* ---------- intake site ---------- */

  /**
   * One push of a case at a time (HandoffService.exclusive): a second click waits and then meets
   * the case as it is. `originals`: the item's paper originals mailed at the same time, whose
   * courier and waybill travel in the bag so the handling office can check them at 签收.
   */
  push(caseId: string, user: SessionUser, req: TransferRequest = {}): Promise<HandoffStatusView> {
    return this.handoff.exclusive(caseId, () => this.pushNow(caseId, user, req));
  }

  private async pushNow(caseId: string, user: SessionUser, { originals }: TransferRequest): Promise<HandoffStatusView> {
    const { db, clock, ids, blobs, keys, cases, envelopes } = this.deps;
    const c = cases.getForUser(caseId, user);
    // An accepted case goes online; one already sent by courier may also carry its record online.
    const existing = this.handoff.latestBag(c.id);
    const courierBag = c.state === 'handed_off' && existing?.mode === 'courier' ? existing : undefined;
    if (!courierBag) this.handoff.readyCase(caseId, user);
    if (originals && (courierBag || !hasOriginals(this.deps.catalog.findItem(c.itemCode))))
      throw new AppError('ORIGINALS_NOT_NEEDED', { details: { caseId } });
    const peer = this.peers.forOffice(c.handlingOfficeId);
    if (!peer) throw new AppError('PEER_SITE_UNKNOWN', { details: { handlingOfficeId: c.handlingOfficeId } });
    // A bag built by an earlier try that failed is sent again, unless it names other originals.
    const reusable =
      existing?.mode === 'online' &&
      (!originals ||
        (existing.courier_company === originals.courierCompany && sameWaybill(existing.waybill_no ?? '', originals.waybillNo)));
    const bag =
      courierBag ?? (reusable ? existing : await this.handoff.buildBag(c.id, 'online', user, originals ? { courier: originals } : {}));
    const idempotencyKey = `${keys.siteId}:${c.id}:${bag.bag_sha256}`;
    const now = clock.now().toISOString();
    db.prepare(
      `INSERT INTO transfers (id, direction, case_id, peer_site, idempotency_key, body_sha256, tagmanifest_sha256, status, created_at, updated_at)
       VALUES (?, 'out', ?, ?, ?, ?, ?, 'sending', ?, ?)
       ON CONFLICT (direction, peer_site, idempotency_key) DO UPDATE SET status = 'sending', error = NULL, updated_at = excluded.updated_at`,
    ).run(ids.uuid(), c.id, peer.id, idempotencyKey, bag.bag_sha256, bag.tagmanifest_sha256, now, now);

    let envelope: SignedEnvelope<TransferReceipt>;
    try {
      const answer = await this.peers.post(
        peer,
        TRANSFERS_PATH,
        { sha256: bag.bag_sha256, contentType: 'application/zip', open: () => blobs.open(bag.bag_sha256) },
        idempotencyKey,
      );
      envelope = this.checkReceipt(answer, peer.id, c, bag.tagmanifest_sha256, bag.bag_sha256);
    } catch (e) {
      db.prepare(
        `UPDATE transfers SET status = 'failed', error = ?, updated_at = ? WHERE direction = 'out' AND peer_site = ? AND idempotency_key = ?`,
      ).run(describeError(e), clock.now().toISOString(), peer.id, idempotencyKey);
      cases.changes.changed(c.id, 'transfer', actorOf(user));
      throw e;
    }
    const receipt = envelope.payload;
    db.transaction(() => {
      db.prepare(
        `UPDATE transfers SET status = 'sent', receipt_json = ?, receipt_signature = ?, receipt_key = ?, error = NULL, updated_at = ?
         WHERE direction = 'out' AND peer_site = ? AND idempotency_key = ?`,
      ).run(JSON.stringify(receipt), envelope.signature, envelope.keyFingerprint, clock.now().toISOString(), peer.id, idempotencyKey);
      cases.changes.changed(c.id, 'transfer', actorOf(user));
      const details = {
        mode: 'online',
        peerSite: peer.id,
        transferId: receipt.transferId,
        receivedAt: receipt.receivedAt,
        tagmanifestSha256: receipt.tagmanifestSha256,
      };
      const mailed =
        bag.mode === 'online' && bag.courier_company && bag.waybill_no
          ? { courierCompany: bag.courier_company, waybillNo: bag.waybill_no }
          : undefined;
      if (cases.get(c.id).state === 'accepted') {
        if (mailed) envelopes.mailed(c.id, mailed, bag.created_at, bag.created_by);
        cases.applyTransition(c.id, 'hand_off', actorOf(user), {
          details: {
            ...details,
            ...(mailed ? { originalsCourierCompany: mailed.courierCompany, originalsWaybillNo: mailed.waybillNo } : {}),
          },
        });
      }
      // The receipt says the handling office has the case in its queue: 办理中 on both sides.
      if (cases.get(c.id).state === 'handed_off' && receipt.state === 'in_handling') {
        cases.applyTransition(c.id, 'start_handling', PeerSites.actor(peer.id), { details: { receipt: receipt.transferId } });
      }
    })();
    return this.handoff.status(caseId, user);
  }

  private checkReceipt(
    answer: unknown,
    site: string,
    c: CaseRecord,
    tagmanifestSha256: string,
    bagSha256: string,
  ): SignedEnvelope<TransferReceipt> {
    const env = answer as SignedEnvelope<unknown>;
    const parsed = TransferReceiptSchema.safeParse(env?.payload);
    if (
      !parsed.success ||
      !verifyEnvelope(env, this.deps.keys.trustedKeys(), site) ||
      parsed.data.caseId !== c.id ||
      parsed.data.tagmanifestSha256 !== tagmanifestSha256 ||
      parsed.data.bagSha256 !== bagSha256
    ) {
      throw new AppError('RECEIPT_INVALID', { details: { site } });
    }
    return { payload: parsed.data, keyFingerprint: env.keyFingerprint, signature: env.signature };
  }

  /* ---------- handling site ---------- */

  /** POST /api/transfers from a peer: signed headers, the bag zip as the body. */
  async receive(headers: Record<string, string | string[] | undefined>, body: Readable): Promise<SignedEnvelope<TransferReceipt>> {
    const req = this.peers.verifyIncoming(headers, 'POST', TRANSFERS_PATH);
    const previous = this.inboundRow(req.site, req.idempotencyKey);
    if (previous) {
      body.resume();
      if (previous.body_sha256 !== req.bodySha256)
        throw new AppError('TRANSFER_IDEMPOTENCY_CONFLICT', { details: { idempotencyKey: req.idempotencyKey } });
      return this.storedReceipt(previous);
    }
    const key = `${req.site}\n${req.idempotencyKey}`;
    const running = this.inFlight.get(key);
    if (running) {
      body.resume();
      return running;
    }
    const job = this.importBag(req.site, req.idempotencyKey, req.bodySha256, body).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  private async importBag(
    site: string,
    idempotencyKey: string,
    bodySha256: string,
    body: Readable,
  ): Promise<SignedEnvelope<TransferReceipt>> {
    const { db, clock, ids, blobs, keys, cases, tmpDir, maxBagBytes } = this.deps;
    const tmp = path.join(tmpDir, `transfer-${ids.uuid()}.zip`);
    try {
      const actualSha = await saveBody(body, tmp, maxBagBytes);
      if (actualSha !== bodySha256) throw new AppError('TRANSFER_BODY_MISMATCH', { details: { signed: bodySha256, received: actualSha } });
      const trusted = keys.trustedKeys().filter((k) => k.site === site);
      const report = await verifyBag(tmp, { trusted, limits: { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: maxBagBytes } });
      assertBagValid(report);
      const caseJson = parseCaseJson(report.caseJson, site);
      const incoming = caseJson.case;
      const item = this.checkOffices(site, caseJson);
      this.assertNotHere(incoming);
      const wanted = this.listedMaterials(caseJson, report.manifest, item, report.root!);
      // Second pass: each listed scan into the blob store, byte for byte and sniffed as it streams.
      const limits = { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: maxBagBytes };
      let reviewJson: Buffer | undefined;
      await forEachZipEntry(tmp, limits, async (entry, open) => {
        if (entry.name === `${report.root}/${REVIEW_JSON}`) {
          if (entry.size > TEXT_CAP) throw new AppError('BAG_LAYOUT_INVALID', { details: { file: REVIEW_JSON, size: entry.size } });
          reviewJson = await readEntry(open);
          return;
        }
        const m = wanted.get(entry.name);
        if (!m) return;
        wanted.delete(entry.name);
        const gate = new MediaTypeGate((sniffed) =>
          sniffed === m.mediaType
            ? undefined
            : new AppError('BAG_MATERIAL_TYPE_MISMATCH', {
                details: { file: m.path, declared: m.mediaType, sniffed: sniffed ?? null },
                zh: `转递包中的材料 ${m.path} 声明为 ${m.mediaType}，实际内容${sniffed ? `为 ${sniffed}` : '不是 JPEG、PNG 或 PDF'}，已拒收`,
                en: `Material ${m.path} is declared ${m.mediaType} but its bytes are ${sniffed ?? 'not JPEG, PNG or PDF'}; refused`,
              }),
        );
        pipeline(await open(), gate, () => undefined);
        const stored = await blobs.store(gate, { mediaType: () => gate.mediaType! });
        if (stored.sha256 !== m.sha256)
          throw new AppError('BAG_CHECKSUM_MISMATCH', { details: { file: m.path, expected: m.sha256, found: stored.sha256 } });
      });
      const [unread] = wanted.values();
      if (unread) throw notInPayload(unread.path);
      const review = parseReview(reviewJson);
      const bag = await blobs.store(fs.createReadStream(tmp), { mediaType: 'application/zip' });
      const at = clock.now().toISOString();
      const transferId = ids.uuid();
      const receipt = db.transaction((): TransferReceipt => {
        // Again, inside the transaction: a transfer of the same case under another key may have landed meanwhile.
        this.assertNotHere(incoming);
        const creator = this.peerAccount(site, incoming.intakeOfficeId);
        const { sourceSite: _sender, ...record } = incoming;
        insertCaseRow(db, { ...record, state: 'handed_off', createdBy: creator, updatedAt: at, sourceSite: site });
        const envelope = caseJson.envelope;
        if (envelope) this.deps.envelopes.mailed(incoming.id, envelope, envelope.mailedAt, null);
        const material = db.prepare(
          `INSERT INTO case_materials (id, case_id, slot_code, file_name, sha256, media_type, size, source, uploaded_by, uploaded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'transfer', ?, ?)`,
        );
        caseJson.materials.forEach((m, i) => {
          if (db.prepare('SELECT 1 FROM case_materials WHERE id = ?').get(m.id))
            throw caseInvalid(['materials', i, 'id'], 'already used by another case here');
          const fileName = sanitizeFileName(m.fileName, m.mediaType);
          material.run(m.id, incoming.id, m.slotCode, fileName, m.sha256, m.mediaType, m.size, creator, m.uploadedAt);
          // The intake window's 已核验原件 travels with the scan, so the handling office sees who checked it and when.
          if (m.originalCheck)
            insertOriginalCheck(db, { id: ids.uuid(), caseId: incoming.id, materialId: m.id, checkedBy: null, check: m.originalCheck });
        });
        db.prepare(
          `INSERT INTO transfers (id, direction, case_id, peer_site, idempotency_key, body_sha256, tagmanifest_sha256, status, created_at, updated_at)
           VALUES (?, 'in', ?, ?, ?, ?, ?, 'imported', ?, ?)`,
        ).run(transferId, incoming.id, site, idempotencyKey, bodySha256, report.tagmanifestSha256, at, at);
        this.deps.ledger.append(PeerSites.actor(site), 'handoff.received', {
          caseId: incoming.id,
          details: {
            caseNo: incoming.caseNo,
            fromSite: site,
            transferId,
            bagSha256: bag.sha256,
            tagmanifestSha256: report.tagmanifestSha256,
            materials: caseJson.materials.length,
            originalChecks: caseJson.materials.filter((m) => m.originalCheck).length,
            ...(envelope ? { envelopeCourierCompany: envelope.courierCompany, envelopeWaybillNo: envelope.waybillNo } : {}),
          },
        });
        this.deps.reviewRecords.imported({ caseId: incoming.id, caseNo: incoming.caseNo, fromSite: site, transferId }, review);
        const moved = cases.applyTransition(incoming.id, 'start_handling', PeerSites.actor(site), { details: { transferId } });
        const r: TransferReceipt = {
          kind: 'tongban.receipt.v1',
          transferId,
          idempotencyKey,
          fromSite: site,
          toSite: keys.siteId,
          caseId: incoming.id,
          caseNo: incoming.caseNo,
          tagmanifestSha256: report.tagmanifestSha256!,
          bagSha256: bag.sha256,
          receivedAt: at,
          state: moved.to,
        };
        const env = signEnvelope(keys.signingKey(), r);
        db.prepare('UPDATE transfers SET receipt_json = ?, receipt_signature = ?, receipt_key = ? WHERE id = ?').run(
          JSON.stringify(r),
          env.signature,
          env.keyFingerprint,
          transferId,
        );
        return r;
      })();
      return signEnvelope(keys.signingKey(), receipt);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  /**
   * The item and both offices as this site's catalogue has them: the item handled by the
   * office named, that office one of this site's, the intake office one of the sender's, and
   * each office hosted where the bag says it is.
   */
  private checkOffices(site: string, caseJson: ImportedCaseJson): ServiceItem {
    const { catalog, keys } = this.deps;
    const c = caseJson.case;
    const item = catalog.findItem(c.itemCode);
    if (!item) throw caseInvalid(['case', 'itemCode'], 'no such item in the catalogue here');
    const handling = catalog.findOffice(c.handlingOfficeId);
    const intake = catalog.findOffice(c.intakeOfficeId);
    const mismatch = (side: 'handling' | 'intake', reason: string, at = `case.${side}OfficeId`) => {
      const officeId = c[`${side}OfficeId`];
      return new AppError('BAG_OFFICE_MISMATCH', {
        details: { file: 'data/case.json', path: at, officeId, reason },
        zh: `转递包中的${side === 'handling' ? '办理' : '收件'}单位 ${officeId} 与本站事项目录不符（${reason}），已拒收`,
        en: `The ${side} office ${officeId} in the bag does not match the catalogue here (${reason}); refused`,
      });
    };
    if (c.handlingOfficeId !== item.handlingOfficeId)
      throw mismatch('handling', `item ${item.code} is handled by ${item.handlingOfficeId}`);
    if (handling?.kind !== 'handling' || handling.siteId !== keys.siteId)
      throw mismatch('handling', `not a handling office of site ${keys.siteId}`);
    if (intake?.kind !== 'intake' || this.peers.forOffice(intake.id)?.id !== site)
      throw mismatch('intake', `not an intake office of site ${site}`);
    for (const side of ['handling', 'intake'] as const) {
      const [here, inBag] = [(side === 'handling' ? handling : intake).siteId, caseJson.offices[side].siteId];
      if (inBag !== here) throw mismatch(side, `hosted by site ${here} here, ${inBag} in the bag`, `offices.${side}.siteId`);
    }
    if (parseCaseNumber(c.caseNo)?.officeCode !== intake.code)
      throw caseInvalid(['case', 'caseNo'], `not a case number of office ${intake.code}`);
    return item;
  }

  /** TRANSFER_CASE_EXISTS when this site already holds the case (by number or id), whichever transfer brought it. */
  private assertNotHere(incoming: ImportedCaseJson['case']): void {
    if (this.deps.cases.findByCaseNo(incoming.caseNo) || this.deps.db.prepare('SELECT 1 FROM cases WHERE id = ?').get(incoming.id)) {
      throw new AppError('TRANSFER_CASE_EXISTS', { details: { caseNo: incoming.caseNo } });
    }
  }

  /**
   * The scans case.json lists, by their zip entry name: each in a slot of the item and in the
   * payload manifest with the digest case.json gives (a path outside the payload could otherwise
   * point the new case at a blob this site holds for another case).
   */
  private listedMaterials(
    caseJson: ImportedCaseJson,
    manifest: Record<string, string>,
    item: ServiceItem,
    root: string,
  ): Map<string, BagMaterial> {
    // An agent's case carries its 授权委托书 and the agent's ID: slots of the item as this case needs it.
    const slots = new Set(itemForCase(item, caseJson.case).materials.map((s) => s.code));
    const wanted = new Map<string, BagMaterial>();
    caseJson.materials.forEach((m, i) => {
      if (!slots.has(m.slotCode)) throw caseInvalid(['materials', i, 'slotCode'], `item ${item.code} has no such material`);
      if (manifest[m.path] !== m.sha256) throw notInPayload(m.path);
      wanted.set(`${root}/${m.path}`, m);
    });
    return wanted;
  }

  private inboundRow(site: string, idempotencyKey: string): TransferRow | undefined {
    return this.deps.db
      .prepare("SELECT * FROM transfers WHERE direction = 'in' AND peer_site = ? AND idempotency_key = ?")
      .get(site, idempotencyKey) as TransferRow | undefined;
  }

  private storedReceipt(row: TransferRow): SignedEnvelope<TransferReceipt> {
    return {
      payload: JSON.parse(row.receipt_json!) as TransferReceipt,
      keyFingerprint: row.receipt_key!,
      signature: row.receipt_signature!,
    };
  }

  /** A disabled account standing for the peer site's intake window, so imported rows keep their foreign keys. */
  private peerAccount(site: string, officeId: string): string {
    const { db, ids, clock } = this.deps;
    const username = `peer-${site}-${officeId}`;
    const existing = db.prepare('SELECT id FROM users WHERE username = ?').pluck().get(username) as string | undefined;
    if (existing) return existing;
    const id = ids.uuid();
    db.prepare(
      `INSERT INTO users (id, username, display_name, role, office_id, password_hash, created_at, disabled) VALUES (?, ?, ?, 'clerk', ?, '!', ?, 1)`,
    ).run(id, username, `${this.deps.catalog.siteName(site)}收件窗口（跨站转递）`, officeId, clock.now().toISOString());
    return id;
  }
}

/** Streams the request body to `file`, hashing it; refuses past `maxBytes`. */
async function saveBody(body: Readable, file: string, maxBytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = fs.createWriteStream(file, { flags: 'wx' });
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > maxBytes) throw new AppError('BAG_ZIP_TOO_LARGE', { details: { file: 'request body', limit: maxBytes } });
      hash.update(buf);
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  } catch (e) {
    body.resume();
    throw e;
  } finally {
    await new Promise<void>((r) => out.end(() => r()));
  }
  return hash.digest('hex');
}

/** data/case.json checked field by field; the first bad field named in `details.path`. */
function parseCaseJson(raw: unknown, site: string): ImportedCaseJson {
  const parsed = ImportedCaseJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw caseInvalid(
      first.path,
      first.message,
      parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  if (parsed.data.sourceSite !== site) throw caseInvalid(['sourceSite'], `the bag was sent by site ${site}`);
  return parsed.data;
}

function caseInvalid(at: PropertyKey[], reason: string, issues?: string[]): AppError {
  const field = at.map(String).join('.') || '(root)';
  return new AppError('BAG_CASE_INVALID', {
    details: { file: 'data/case.json', path: field, reason, ...(issues ? { issues } : {}) },
    zh: `转递包中的办件信息（case.json）字段 ${field} 不符合要求（${reason}），已拒收`,
    en: `Field ${field} of the case record in the bag (case.json) is invalid (${reason}); refused`,
  });
}

function notInPayload(file: string): AppError {
  return new AppError('BAG_MATERIAL_NOT_IN_PAYLOAD', {
    details: { file },
    zh: `办件信息列出的材料 ${file} 不在转递包的载荷清单中（或校验值不同），已拒收`,
    en: `Material ${file} listed in case.json is not in the bag payload manifest (or has another digest); refused`,
  });
}
