import type { PrecheckRule } from '../catalog/types';
import { parseIdNumber, maskIdNumber } from '../validators/idNumber';
import { isValidUscc } from '../validators/uscc';
import { classifyPage, extractBusinessLicence, extractLabelledFields } from './documents';
import { extractIdCardBack, extractIdCardFront, idCardFrontRegions, type LineRead } from './idCard';
import { meanConfidence, wordCount } from './layout';
import { hammingDistance } from './pageHash';
import type {
  Bbox,
  CaseExpectations,
  DocumentKind,
  ExtractedField,
  FieldRegion,
  Finding,
  MaterialSlotRules,
  PageOcr,
  Severity,
} from './types';

/**
 * The pre-check of one material: which fields to read, and which findings follow from the
 * pages, the fields (with the clerk's corrections applied) and what the case says. Pure —
 * the intake date comes in as `intakeDate`.
 */

export const THRESHOLDS = {
  /** Mean character-weighted word confidence below which a page is hard to read. */
  legibilityWarn: 65,
  legibilityBlock: 40,
  minDpi: 150,
  /** Shortest side in pixels under which a page is too small to read reliably. */
  minShortSide: 500,
  /** Share of ink pixels below which a page with (almost) no words is blank. */
  blankInk: 0.003,
  /** dHash bits that may differ for two scans of the same page. */
  duplicateBits: 5,
  /** Confidence under which a free-text field (an address, an authority) is worth checking by eye. */
  fieldConfidenceWarn: 75,
} as const;

/** Fields with a check of their own (check digit, the ID number, the validity rule): a misread shows there. */
const SELF_CHECKED_FIELDS: ReadonlySet<string> = new Set(['idNumber', 'uscc', 'birth', 'sex', 'validFrom', 'validTo']);

/** Which reader each page gets, from the slot's rules and what the page looks like. */
export function pageKinds(slot: MaterialSlotRules, pages: ReadonlyArray<PageOcr>): DocumentKind[] {
  const classified = pages.map((p) => classifyPage(p));
  return pages.map((_, i) => {
    const c = classified[i]!;
    if (slot.rules.includes('id-card-front') || slot.rules.includes('id-card-back')) {
      if (c === 'id-card-back' && slot.rules.includes('id-card-back')) return 'id-card-back';
      if (slot.rules.includes('id-card-front') && (c === 'id-card-front' || (i === 0 && c !== 'id-card-back'))) return 'id-card-front';
      return slot.rules.includes('id-card-back') ? 'id-card-back' : 'id-card-front';
    }
    if (slot.rules.includes('business-licence') || slot.kind === 'business-licence') return 'business-licence';
    if (slot.kind === 'household-register') return 'household-register';
    if (slot.kind === 'application-form') return 'application-form';
    return 'generic';
  });
}

/** Regions to read again as single lines (name and number on an ID card front). */
export function fieldRegions(slot: MaterialSlotRules, pages: ReadonlyArray<PageOcr>): Array<{ page: number; region: FieldRegion }> {
  const kinds = pageKinds(slot, pages);
  return pages.flatMap((p, i) => (kinds[i] === 'id-card-front' ? idCardFrontRegions(p).map((region) => ({ page: p.index, region })) : []));
}

/** Field reads keyed `${page}:${regionKey}`. */
export type RegionReads = Partial<Record<string, LineRead>>;

export function extractFields(slot: MaterialSlotRules, pages: ReadonlyArray<PageOcr>, reads: RegionReads = {}): ExtractedField[] {
  const kinds = pageKinds(slot, pages);
  const out: ExtractedField[] = [];
  const seen = new Set<string>();
  const add = (fs: ExtractedField[]) => {
    for (const f of fs) {
      if (seen.has(f.key)) continue; // the first page that has a field wins
      seen.add(f.key);
      out.push(f);
    }
  };
  pages.forEach((p, i) => {
    const pageReads = Object.fromEntries(
      Object.entries(reads)
        .filter(([k]) => k.startsWith(`${p.index}:`))
        .map(([k, v]) => [k.slice(k.indexOf(':') + 1), v]),
    );
    if (kinds[i] === 'id-card-front') add(extractIdCardFront(p, pageReads));
    else if (kinds[i] === 'id-card-back') add(extractIdCardBack(p));
    else if (kinds[i] === 'business-licence') add(extractBusinessLicence(p));
  });
  if (slot.rules.includes('required-fields') && slot.requiredFields?.length) add(extractLabelledFields(pages, slot.requiredFields, kinds));
  return out;
}

export interface Correction {
  fieldKey: string;
  value: string;
}

/** The clerk's hand corrections win over what OCR read (confidence 100: a person checked it). */
export function applyCorrections(fields: ReadonlyArray<ExtractedField>, corrections: ReadonlyArray<Correction>): ExtractedField[] {
  const latest = new Map(corrections.map((c) => [c.fieldKey, c.value]));
  const out = fields.map((f) => (latest.has(f.key) ? { ...f, value: latest.get(f.key)!, confidence: 100 } : f));
  for (const [key, value] of latest) {
    if (!out.some((f) => f.key === key)) out.push({ key, label: key.replace(/^label:/, ''), value, confidence: 100, page: 0 });
  }
  return out;
}

export interface EvaluationInput {
  slot: MaterialSlotRules;
  pages: ReadonlyArray<PageOcr>;
  fields: ReadonlyArray<ExtractedField>;
  expectations: CaseExpectations;
  /** YYYY-MM-DD: the day the materials were received (validity is judged on that day). */
  intakeDate: string;
  /** Page hashes of the case's other materials, for duplicate detection across materials. */
  otherPages?: ReadonlyArray<{ materialId: string; page: number; hash: string }>;
}

type Msg = [zh: string, en: string];

function finding(
  rule: PrecheckRule,
  severity: Severity,
  code: string,
  [zh, en]: Msg,
  at: { page?: number; bbox?: Bbox; fieldKey?: string } = {},
): Finding {
  return { rule, severity, code, message_zh: zh, message_en: en, ...at };
}

/** Unique key of a finding within its material: what an override names. */
export function findingKey(f: Pick<Finding, 'code' | 'page' | 'fieldKey'>): string {
  return f.fieldKey ? `${f.code}:${f.fieldKey}` : f.page !== undefined ? `${f.code}@${f.page}` : f.code;
}

const sameName = (a: string, b: string) => a.replace(/\s/g, '') === b.replace(/\s/g, '');
const sameCompany = (a: string, b: string) => a.replace(/[\s()（）]/g, '') === b.replace(/[\s()（）]/g, '');

export function evaluateMaterial(input: EvaluationInput): Finding[] {
  const { slot, pages, expectations } = input;
  const rules = new Set(slot.rules);
  const fields = new Map(input.fields.map((f) => [f.key, f]));
  const at = (key: string) => {
    const f = fields.get(key);
    return { fieldKey: key, ...(f ? { page: f.page, ...(f.bbox ? { bbox: f.bbox } : {}) } : {}) };
  };
  const out: Finding[] = [];
  const kinds = pageKinds(slot, pages);

  for (const p of pages) {
    const words = wordCount(p.lines);
    const isBlank = p.inkRatio < THRESHOLDS.blankInk && words <= 2;
    const page = { page: p.index };
    const n = p.index + 1;
    if (rules.has('blank-page') && isBlank) {
      out.push(
        finding(
          'blank-page',
          'block',
          'BLANK_PAGE',
          [`第 ${n} 页是空白页，请翻面或重新扫描`, `Page ${n} is blank; turn the sheet over or scan again`],
          page,
        ),
      );
      continue;
    }
    const c = meanConfidence(p.lines);
    const illegible = words === 0 || c < THRESHOLDS.legibilityBlock;
    if (rules.has('legibility') && !isBlank) {
      if (illegible)
        out.push(
          finding(
            'legibility',
            'block',
            'ILLEGIBLE_PAGE',
            [
              `第 ${n} 页无法辨认，请摆正原件、擦净镜头后重新扫描`,
              `Page ${n} cannot be read; straighten the original, clean the lens and scan again`,
            ],
            page,
          ),
        );
      else if (c < THRESHOLDS.legibilityWarn)
        out.push(
          finding(
            'legibility',
            'warn',
            'LOW_LEGIBILITY',
            [
              `第 ${n} 页字迹不够清晰（识别可信度 ${Math.round(c)}），建议重新扫描`,
              `Page ${n} is hard to read (confidence ${Math.round(c)}); consider scanning again`,
            ],
            page,
          ),
        );
    }
    if (rules.has('resolution')) {
      const lowDpi = p.dpi !== undefined && p.dpi > 0 && p.dpi < THRESHOLDS.minDpi;
      if (lowDpi || Math.min(p.width, p.height) < THRESHOLDS.minShortSide)
        out.push(
          finding(
            'resolution',
            'warn',
            'LOW_RESOLUTION',
            [
              `第 ${n} 页分辨率过低（${p.width}×${p.height}${p.dpi ? `，${p.dpi} dpi` : ''}），请用 300 dpi 重新扫描`,
              `Page ${n} has too low a resolution (${p.width}×${p.height}${p.dpi ? `, ${p.dpi} dpi` : ''}); rescan at 300 dpi`,
            ],
            page,
          ),
        );
    }
    if (rules.has('duplicate-page') && !isBlank) {
      const earlier = pages.filter((q) => q.index < p.index).find((q) => hammingDistance(q.hash, p.hash) <= THRESHOLDS.duplicateBits);
      const other = (input.otherPages ?? []).find((q) => hammingDistance(q.hash, p.hash) <= THRESHOLDS.duplicateBits);
      if (earlier)
        out.push(
          finding(
            'duplicate-page',
            'warn',
            'DUPLICATE_PAGE',
            [
              `第 ${n} 页与第 ${earlier.index + 1} 页重复，请删除重复页或补扫缺少的页`,
              `Page ${n} duplicates page ${earlier.index + 1}; remove it or scan the missing page`,
            ],
            page,
          ),
        );
      else if (other)
        out.push(
          finding(
            'duplicate-page',
            'warn',
            'DUPLICATE_OF_OTHER_MATERIAL',
            [
              `第 ${n} 页与另一项材料中的页面相同，请确认是否放错了材料栏`,
              `Page ${n} is the same as a page of another material; check it is in the right slot`,
            ],
            page,
          ),
        );
    }
    // An unreadable page cannot say what it is: legibility already asks for a rescan.
    if (rules.has('material-kind') && !isBlank && !illegible && words > 3) {
      const expected = kinds[p.index];
      const looks = classifyPage(p);
      const mismatch =
        expected !== undefined &&
        expected !== 'generic' &&
        expected !== 'application-form' &&
        looks !== expected &&
        !(looks === 'generic' && expected === 'household-register')
          ? !(expected.startsWith('id-card') && looks.startsWith('id-card'))
          : false;
      if (mismatch)
        out.push(
          finding(
            'material-kind',
            'warn',
            'MATERIAL_KIND_MISMATCH',
            [
              `第 ${n} 页看起来不是本栏要求的材料，请确认是否放错了材料栏`,
              `Page ${n} does not look like the material this slot expects; check the slot`,
            ],
            page,
          ),
        );
    }
  }

  if (rules.has('id-card-front') && pages.length > 0) {
    const id = fields.get('idNumber');
    const pageAt = (pages.find((_, i) => kinds[i] === 'id-card-front') ?? pages[0])!.index;
    if (!id) {
      out.push(
        finding(
          'id-card-front',
          'block',
          'ID_NUMBER_NOT_FOUND',
          [
            '未能识别身份证号码，请将身份证人像面放正后重新扫描，或手工录入',
            'The ID number could not be read; rescan the photo side straight or enter it by hand',
          ],
          { page: pageAt, fieldKey: 'idNumber' },
        ),
      );
    } else {
      const info = parseIdNumber(id.value);
      if (!info.valid) {
        out.push(
          info.problem === 'checksum'
            ? finding(
                'id-card-front',
                'block',
                'ID_NUMBER_CHECKSUM',
                ['身份证号码校验位错误，请重新扫描或核对原件', 'The ID number fails its check digit; rescan or check the original card'],
                at('idNumber'),
              )
            : finding(
                'id-card-front',
                'block',
                'ID_NUMBER_MALFORMED',
                [
                  '身份证号码格式不正确（应为 18 位，出生日期有效），请核对原件',
                  'The ID number is malformed (18 characters with a real birth date); check the original',
                ],
                at('idNumber'),
              ),
        );
      }
      const birth = fields.get('birth');
      if (birth && info.birthDate && birth.value !== info.birthDate)
        out.push(
          finding(
            'id-card-front',
            'block',
            'ID_BIRTH_MISMATCH',
            [
              `“出生”（${birth.value}）与身份证号码中的出生日期（${info.birthDate}）不一致，请核对原件`,
              `Date of birth (${birth.value}) differs from the one in the ID number (${info.birthDate}); check the original`,
            ],
            at('birth'),
          ),
        );
      const sex = fields.get('sex');
      const sexFromId = info.sex === 'M' ? '男' : info.sex === 'F' ? '女' : undefined;
      if (sex && sexFromId && sex.value !== sexFromId)
        out.push(
          finding(
            'id-card-front',
            'block',
            'ID_SEX_MISMATCH',
            [`“性别”（${sex.value}）与身份证号码不一致，请核对原件`, `Sex (${sex.value}) does not match the ID number; check the original`],
            at('sex'),
          ),
        );
      if (expectations.applicantIdNumber && id.value.toUpperCase() !== expectations.applicantIdNumber.toUpperCase())
        out.push(
          finding(
            'id-card-front',
            'block',
            'ID_NUMBER_MISMATCH',
            [
              `身份证号码（${maskIdNumber(id.value)}）与申请人登记的号码不一致，请核对是否为申请人本人证件`,
              `The ID number (${maskIdNumber(id.value)}) is not the applicant's; check this is the applicant's own card`,
            ],
            at('idNumber'),
          ),
        );
    }
    const name = fields.get('name');
    if (!name)
      out.push(
        finding(
          'id-card-front',
          'warn',
          'ID_NAME_NOT_FOUND',
          ['未能识别“姓名”，请核对原件并手工录入', 'The name could not be read; check the card and enter it by hand'],
          { page: pageAt, fieldKey: 'name' },
        ),
      );
    else if (expectations.applicantName && !sameName(name.value, expectations.applicantName))
      out.push(
        finding(
          'id-card-front',
          'block',
          'ID_NAME_MISMATCH',
          [
            `证件姓名“${name.value}”与申请人“${expectations.applicantName}”不一致，请核对是否为申请人本人证件`,
            `The name on the card ("${name.value}") is not the applicant's ("${expectations.applicantName}"); check the card`,
          ],
          at('name'),
        ),
      );
    // The reviewer compares the applicant's live face with this photo: without it there is nothing to compare.
    for (const p of pages.filter((q, i) => kinds[i] === 'id-card-front' && q.photo === null))
      out.push(
        finding(
          'id-card-front',
          'warn',
          'ID_PHOTO_NOT_FOUND',
          [
            '未能定位证件照片，视频会审时无法比对人像，请将身份证人像面放正后重新扫描',
            'The ID photo could not be located, so the reviewer cannot compare faces; rescan the photo side of the ID card, straight',
          ],
          { page: p.index },
        ),
      );
  }

  if (rules.has('id-card-back') && pages.length > 0) {
    const to = fields.get('validTo');
    const pageAt = (pages.find((_, i) => kinds[i] === 'id-card-back') ?? pages[pages.length - 1])!.index;
    if (!to)
      out.push(
        finding(
          'id-card-back',
          'warn',
          'ID_VALIDITY_NOT_FOUND',
          ['未能识别身份证有效期限，请扫描国徽面并核对有效期', 'The validity period could not be read; scan the emblem side and check it'],
          { page: pageAt, fieldKey: 'validTo' },
        ),
      );
    else if (to.value !== '长期' && to.value < input.intakeDate)
      out.push(
        finding(
          'id-card-back',
          'block',
          'ID_EXPIRED',
          [
            `身份证已于 ${to.value} 过期，请申请人提供有效证件（或临时身份证）`,
            `The ID card expired on ${to.value}; ask for a valid card (or a temporary ID)`,
          ],
          at('validTo'),
        ),
      );
  }

  if (rules.has('business-licence') && pages.length > 0) {
    const code = fields.get('uscc');
    if (!code)
      out.push(
        finding(
          'business-licence',
          'block',
          'USCC_NOT_FOUND',
          [
            '未能识别统一社会信用代码，请重新扫描营业执照或手工录入',
            'The unified social credit code could not be read; rescan the licence or enter it by hand',
          ],
          { page: 0, fieldKey: 'uscc' },
        ),
      );
    else if (!isValidUscc(code.value))
      out.push(
        finding(
          'business-licence',
          'block',
          'USCC_CHECKSUM',
          [
            '统一社会信用代码校验位错误，请重新扫描或核对原件',
            'The unified social credit code fails its check character; rescan or check the original',
          ],
          at('uscc'),
        ),
      );
    else if (expectations.uscc && code.value !== expectations.uscc.toUpperCase())
      out.push(
        finding(
          'business-licence',
          'block',
          'USCC_MISMATCH',
          [
            '统一社会信用代码与办件登记的企业不一致，请核对是否为本企业执照',
            "The code is not the case's company's; check this is the right licence",
          ],
          at('uscc'),
        ),
      );
    const name = fields.get('companyName');
    if (name && expectations.companyName && !sameCompany(name.value, expectations.companyName))
      out.push(
        finding(
          'business-licence',
          'block',
          'COMPANY_NAME_MISMATCH',
          [
            `执照名称“${name.value}”与办件登记的企业“${expectations.companyName}”不一致，请核对`,
            `The licence's name ("${name.value}") differs from the case's company ("${expectations.companyName}"); check it`,
          ],
          at('companyName'),
        ),
      );
  }

  // A misread character in free text the readers extract (岳麓区 read as 岳条区) has no check digit
  // to catch it; its lower confidence is the only sign, so the clerk is asked to compare it with the
  // original. (A form's labelled cells are checked for presence by required-fields.) The message
  // names the field, not what was read: findings are shown unmasked, the field table masks values.
  if (rules.has('legibility')) {
    const crossChecked = new Set([...(expectations.applicantName ? ['name'] : []), ...(expectations.companyName ? ['companyName'] : [])]);
    for (const f of input.fields) {
      if (f.key.startsWith('label:') || SELF_CHECKED_FIELDS.has(f.key) || crossChecked.has(f.key) || [...f.value].length < 2) continue;
      if (f.confidence >= THRESHOLDS.fieldConfidenceWarn || out.some((o) => o.fieldKey === f.key)) continue;
      out.push(
        finding(
          'legibility',
          'warn',
          'LOW_FIELD_CONFIDENCE',
          [
            `“${f.label}”识别可信度较低（${f.confidence}），请对照原件核对识别结果，有误请更正`,
            `"${f.label}" was read with low confidence (${f.confidence}); compare what was read with the original and correct it if wrong`,
          ],
          at(f.key),
        ),
      );
    }
  }

  if (rules.has('required-fields')) {
    for (const label of slot.requiredFields ?? []) {
      if (!fields.has(`label:${label}`))
        out.push(
          finding(
            'required-fields',
            'block',
            'REQUIRED_FIELD_MISSING',
            [
              `未找到必填项“${label}”或其内容为空，请申请人补填后重新扫描`,
              `Required field "${label}" is missing or empty; have the applicant fill it in and rescan`,
            ],
            { fieldKey: `label:${label}` },
          ),
        );
    }
  }
  return out;
}
