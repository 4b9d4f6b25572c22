import { z } from 'zod';
import { CASE_NUMBER_PATTERN } from '../cases/caseNumber';
import { ORIGINAL_CHECK_METHODS } from '../cases/originalCheck';
import { MAX_FILES_PER_CASE } from '../precheck/limits';
import { OFFICE_KINDS } from '../roles';
import {
  AgentInputSchema,
  ApplicantInputSchema,
  CompanyInputSchema,
  MailingAddressSchema,
  RESULT_CHANNELS,
  SCAN_MEDIA_TYPES,
} from '../schemas/cases';
import { isoTime, recordId, siteId } from '../schemas/ids';
import { plainText } from '../schemas/text';
import { CourierHandoffRequestSchema, sha256Hex, TRANSFER_MODES } from './schemas';

/**
 * data/case.json of a handoff bag, as the handling site imports it. A valid signature says who
 * sent the bag, not that its contents are sound: every field is checked here with the rules of
 * case creation, nothing unknown is accepted, and the server then checks the offices against its
 * catalogue and every listed scan against the payload manifest and its own bytes.
 */

export const CASE_JSON_SCHEMA = 'tongban.case.v1';

/** Where the bag writer puts scans (caseBag.materialPath): ASCII names under data/materials/. */
export const BAG_MATERIAL_PATH = /^data\/materials\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

const code = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'code: 1–64 letters, digits, _ . or -');
const chinaDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date: YYYY-MM-DD');

const BagOfficeSchema = z.strictObject({
  id: recordId,
  code: z.string().regex(/^[A-Z]{2}(?:-[A-Z0-9]{1,8})*$/, 'office code: e.g. GD-SG'),
  name: plainText(128, { min: 1 }),
  kind: z.enum(OFFICE_KINDS),
  province: plainText(32),
  city: plainText(32),
  /** Where the office is hosted; the importer checks it against its own office registry. */
  siteId,
});

export const BagMaterialSchema = z.strictObject({
  id: recordId,
  slotCode: code,
  fileName: plainText(255, { min: 1 }),
  mediaType: z.enum(SCAN_MEDIA_TYPES),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  sha256: sha256Hex,
  uploadedAt: isoTime,
  path: z.string().regex(BAG_MATERIAL_PATH, 'path: data/materials/<ASCII name>'),
  /** 已核验原件 at the intake window (bags of older versions carry none); its certified copy is under data/originals/. */
  originalCheck: z
    .strictObject({
      method: z.enum(ORIGINAL_CHECK_METHODS),
      note: plainText(200).optional(),
      checkedByName: plainText(64, { min: 1 }),
      checkedAt: isoTime,
    })
    .optional(),
});
export type BagMaterial = z.infer<typeof BagMaterialSchema>;

/** Only an accepted case travels (or one already sent by courier); the item is the sender's copy, so only its code is read. */
export const ImportedCaseJsonSchema = z
  .strictObject({
    schema: z.literal(CASE_JSON_SCHEMA),
    sourceSite: siteId,
    transferMode: z.enum(TRANSFER_MODES),
    case: z.strictObject({
      id: recordId,
      caseNo: z.string().max(64).regex(CASE_NUMBER_PATTERN, 'case number: e.g. GD-SG-20261125-0001'),
      itemCode: code,
      intakeOfficeId: recordId,
      handlingOfficeId: recordId,
      state: z.enum(['accepted', 'handed_off']),
      applicant: ApplicantInputSchema.strict(),
      company: CompanyInputSchema.strict().optional(),
      // Bags written before intake asked for an agent and the result's way carry none of these.
      agent: AgentInputSchema.strict().optional(),
      resultChannel: z.enum(RESULT_CHANNELS).optional(),
      mailingAddress: MailingAddressSchema.strict().optional(),
      createdBy: recordId,
      createdAt: isoTime,
      updatedAt: isoTime,
      deadline: chinaDay,
      decidedAt: isoTime.optional(),
      sourceSite: siteId.optional(),
    }),
    item: z.looseObject({ code }),
    offices: z.strictObject({ intake: BagOfficeSchema, handling: BagOfficeSchema }),
    materials: z.array(BagMaterialSchema).max(MAX_FILES_PER_CASE),
    /** The paper envelope already mailed when the bag was built (the cover sheet's, or the originals'). */
    envelope: CourierHandoffRequestSchema.extend({ mailedAt: isoTime }).strict().optional(),
  })
  .superRefine((j, ctx) => {
    const expect = (ok: boolean, path: Array<string | number>, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path, message });
    };
    expect(j.item.code === j.case.itemCode, ['item', 'code'], 'must equal case.itemCode');
    expect(j.offices.intake.id === j.case.intakeOfficeId, ['offices', 'intake', 'id'], 'must equal case.intakeOfficeId');
    expect(j.offices.handling.id === j.case.handlingOfficeId, ['offices', 'handling', 'id'], 'must equal case.handlingOfficeId');
    const ids = new Set<string>();
    j.materials.forEach((m, i) => {
      expect(!ids.has(m.id), ['materials', i, 'id'], 'material id listed twice');
      ids.add(m.id);
    });
  });
export type ImportedCaseJson = z.infer<typeof ImportedCaseJsonSchema>;
