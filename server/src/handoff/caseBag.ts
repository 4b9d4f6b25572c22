import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { MaterialView, Office, ServiceItem } from '@tongban/shared';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import { BAG_INFO, type TagField } from '@tongban/shared/handoff/bagit';
import { CASE_JSON_SCHEMA } from '@tongban/shared/handoff/caseJson';
import type { CourierHandoffRequest, TransferMode } from '@tongban/shared/handoff/schemas';
import type { CaseRecord } from '../cases/CaseService';
import type { AuditEvent } from '../audit/AuditLedger';
import type { BlobStore } from '../storage/BlobStore';
import { createBagStream, type BagProgress, type BagSummary, type PayloadFile } from './bag/bagWriter';
import type { SigningKey } from './siteKeys';

/**
 * What a case's handoff bag holds: data/case.json (case, applicant, item, offices, the material
 * list with each scan's 已核验原件 mark), data/materials/ (the original scans, byte for byte),
 * data/precheck/, data/review/, data/corrections/, data/originals/ and data/signature/ (when those
 * modules provided evidence), data/audit/events.jsonl (the case's chained events).
 */

export interface CaseJson {
  schema: typeof CASE_JSON_SCHEMA;
  sourceSite: string;
  transferMode: TransferMode;
  case: CaseRecord;
  item: ServiceItem;
  offices: { intake: Office; handling: Office };
  materials: Array<
    Pick<MaterialView, 'id' | 'slotCode' | 'fileName' | 'mediaType' | 'size' | 'sha256' | 'uploadedAt' | 'originalCheck'> & { path: string }
  >;
  envelope?: BagEnvelope;
}

/** The paper envelope mailed with the handoff, so the handling site knows the waybill to check at 签收. */
export type BagEnvelope = CourierHandoffRequest & { mailedAt: string };

export interface CaseBagInput {
  case: CaseRecord;
  item: ServiceItem;
  offices: { intake: Office; handling: Office };
  materials: MaterialView[];
  events: AuditEvent[];
  evidence: PayloadFile[];
  mode: TransferMode;
  envelope?: BagEnvelope | undefined;
  siteId: string;
  software: string;
  now: Date;
}

const EXT: Record<MaterialView['mediaType'], string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'application/pdf': '.pdf' };

/** ASCII-only names inside the bag (the original name stays in case.json), so no validator trips on Unicode normalisation. */
export function materialPath(m: MaterialView, index: number): string {
  return `materials/${String(index + 1).padStart(2, '0')}-${m.slotCode.replace(/[^A-Za-z0-9_-]/g, '_')}-${m.sha256.slice(0, 8)}${EXT[m.mediaType]}`;
}

export function openBlob(blobs: BlobStore, sha256: string): Readable {
  // Large reads: fewer, bigger chunks hash faster than the default 64 KiB.
  const local = blobs.localPath(sha256);
  return local ? fs.createReadStream(local, { highWaterMark: 1024 * 1024 }) : blobs.open(sha256);
}

export function caseBagParts(input: CaseBagInput, blobs: BlobStore): { info: TagField[]; payload: PayloadFile[]; caseJson: CaseJson } {
  const c = input.case;
  const materials = input.materials.map((m, i) => ({ m, path: materialPath(m, i) }));
  const caseJson: CaseJson = {
    schema: CASE_JSON_SCHEMA,
    sourceSite: input.siteId,
    transferMode: input.mode,
    case: c,
    item: input.item,
    offices: { intake: bagOffice(input.offices.intake), handling: bagOffice(input.offices.handling) },
    materials: materials.map(({ m, path }) => ({
      id: m.id,
      slotCode: m.slotCode,
      fileName: m.fileName,
      mediaType: m.mediaType,
      size: m.size,
      sha256: m.sha256,
      uploadedAt: m.uploadedAt,
      path: `data/${path}`,
      ...(m.originalCheck ? { originalCheck: m.originalCheck } : {}),
    })),
    ...(input.envelope ? { envelope: input.envelope } : {}),
  };
  const payload: PayloadFile[] = [
    { path: 'case.json', content: Buffer.from(`${JSON.stringify(caseJson, null, 2)}\n`, 'utf8') },
    ...materials.map(({ m, path }) => ({ path, size: m.size, open: () => openBlob(blobs, m.sha256) })),
    ...input.evidence,
    { path: 'audit/events.jsonl', content: Buffer.from(input.events.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8') },
  ];
  const info: TagField[] = [
    [BAG_INFO.sourceOrganization, input.offices.intake.name],
    [BAG_INFO.baggingDate, chinaDate(input.now)],
    [BAG_INFO.externalIdentifier, c.caseNo],
    [BAG_INFO.bagCount, '1 of 1'],
    [BAG_INFO.softwareAgent, input.software],
    [BAG_INFO.intakeOffice, `${input.offices.intake.code} ${input.offices.intake.name}`],
    [BAG_INFO.handlingOffice, `${input.offices.handling.code} ${input.offices.handling.name}`],
    [BAG_INFO.serviceItemCode, c.itemCode],
    [BAG_INFO.transferMode, input.mode],
    [BAG_INFO.sourceSite, input.siteId],
  ];
  return { info, payload, caseJson };
}

export function createCaseBagStream(
  input: CaseBagInput,
  blobs: BlobStore,
  signer: SigningKey,
  onProgress?: (p: BagProgress) => void,
): { stream: Readable; summary: Promise<BagSummary> } {
  const { info, payload } = caseBagParts(input, blobs);
  return createBagStream({ root: input.case.caseNo, info, payload, signer, mtime: input.now, ...(onProgress ? { onProgress } : {}) });
}

/** An office as case.json names it: who and where it is, checked against the importer's registry; its contact details stay local. */
export function bagOffice({ id, code, name, kind, province, city, siteId }: Office): CaseJson['offices']['intake'] {
  return { id, code, name, kind, province, city, siteId };
}
