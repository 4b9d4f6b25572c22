import type { MaterialKind, PrecheckRule } from '../catalog/types';

/** Pixel box on a normalised page image (after orientation and deskew), x1/y1 exclusive. */
export interface Bbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrWord {
  text: string;
  /** 0–100, as tesseract reports it. */
  confidence: number;
  bbox: Bbox;
}

export interface OcrLine {
  text: string;
  confidence: number;
  bbox: Bbox;
  words: OcrWord[];
}

/** What the recogniser knows about one page: enough for every rule without the image. */
export interface PageOcr {
  index: number;
  width: number;
  height: number;
  /** Pixels per inch the page was scanned or rasterised at, if known. */
  dpi?: number;
  lines: OcrLine[];
  /** 64-bit perceptual hash (dHash) as 16 hex digits. */
  hash: string;
  /** Share of pixels that are ink (dark), 0–1: a blank page has almost none. */
  inkRatio: number;
  /** Degrees the page was turned to read it (EXIF + 90° steps + deskew), for the record. */
  rotationDeg: number;
  /**
   * ID card front only: the portrait photo's region (the reviewer compares the live face with it).
   * null: looked for and not found; absent: not looked for (another kind of page, or an older result).
   */
  photo?: IdPhotoRegion | null;
}

/** Where the portrait is on an ID card front page (see idPhoto.ts). */
export interface IdPhotoRegion {
  box: Bbox;
  /** Found from the photo's own edges in the image, or placed by the card layout where the image showed a photo but no clear edges. */
  source: 'image' | 'layout';
  /** 0–1: share of the box that stands out from the card (a real photo fills its box). */
  confidence: number;
}

/** How a document kind is read; maps from the catalog's material kind and rules. */
export const DOCUMENT_KINDS = [
  'id-card-front',
  'id-card-back',
  'business-licence',
  'household-register',
  'application-form',
  'generic',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type Severity = 'block' | 'warn' | 'info';

export interface Finding {
  rule: PrecheckRule;
  severity: Severity;
  /** Stable code, e.g. `ID_NUMBER_CHECKSUM` — what overrides refer to. */
  code: string;
  message_zh: string;
  message_en: string;
  /** Page the finding is about (0-based) and the words' box on it. */
  page?: number;
  bbox?: Bbox;
  fieldKey?: string;
}

export interface ExtractedField {
  key: string;
  /** Printed label, e.g. 姓名. */
  label: string;
  value: string;
  confidence: number;
  page: number;
  bbox?: Bbox;
}

/** A field region the recogniser should read again as a single line (see idCard.ts). */
export interface FieldRegion {
  key: string;
  label: string;
  bbox: Bbox;
  /** Read as one line (psm 7) or a small block (psm 6, e.g. a two-line address). */
  mode: 'line' | 'block';
  /** Restricts the recognised characters (e.g. digits and X for the ID number). */
  charset?: string;
}

/** What the case says the material should show. */
export interface CaseExpectations {
  applicantName?: string;
  applicantIdNumber?: string;
  companyName?: string;
  uscc?: string;
}

export interface MaterialSlotRules {
  kind: MaterialKind;
  rules: PrecheckRule[];
  requiredFields?: string[];
}

export type MaterialVerdict = 'pass' | 'warn' | 'block';

export function verdictOf(findings: ReadonlyArray<Pick<Finding, 'severity'>>): MaterialVerdict {
  if (findings.some((f) => f.severity === 'block')) return 'block';
  if (findings.some((f) => f.severity === 'warn')) return 'warn';
  return 'pass';
}

export function unionBbox(boxes: ReadonlyArray<Bbox>): Bbox | undefined {
  if (boxes.length === 0) return undefined;
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

/** English names of the fields the readers extract (the printed Chinese label is `ExtractedField.label`). */
export const FIELD_LABELS_EN: Readonly<Record<string, string>> = {
  name: 'Name',
  sex: 'Sex',
  ethnicity: 'Ethnicity',
  birth: 'Date of birth',
  address: 'Address',
  idNumber: 'ID number',
  authority: 'Issuing authority',
  validFrom: 'Valid from',
  validTo: 'Valid until',
  uscc: 'Unified social credit code',
  companyName: 'Company name',
  legalRep: 'Legal representative',
};
