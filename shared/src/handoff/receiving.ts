import { z } from 'zod';
import type { CaseState } from '../cases/stateMachine';
import { CASE_NUMBER_PATTERN } from '../cases/caseNumber';
import { parseHandoffQr, type EnvelopeView, type TransferMode } from './schemas';

/**
 * 收件签收 at the handling office: the receiving desk looks a case up by what a person or a
 * scanner gives it — the cover sheet's QR text (a webcam decode, or a barcode scanner typing it
 * like a keyboard) or the case number typed — signs for the paper envelope, and starts handling.
 */

export const ReceivingLookupSchema = z.object({ code: z.string().trim().min(1).max(300) });

/** What was given: the cover sheet's QR (case number and bag checksum), or a case number alone. */
export interface ReceivingCode {
  caseNo: string;
  /** Only from a QR: the bag's tagmanifest checksum, which the case here must match. */
  tagmanifestSha256?: string;
}

/** A cover sheet QR, or a case number in any letter case; undefined for anything else. */
export function parseReceivingCode(text: string): ReceivingCode | undefined {
  const qr = parseHandoffQr(text);
  if (qr) return qr;
  const caseNo = text.trim().toUpperCase();
  return CASE_NUMBER_PATTERN.test(caseNo) ? { caseNo } : undefined;
}

/** One material of the item, and what of it reached the handling office. */
export interface ReceivingMaterial {
  code: string;
  name: string;
  nameEn?: string;
  /** 原件需邮寄: the paper original is in the envelope. */
  original: boolean;
  copies: number;
  pages: number;
  /** Scans of it in the case record here. */
  scans: number;
}

/** GET /api/handoff/receiving and the answers of 签收 and 开始办理. */
export interface ReceivingView {
  case: {
    id: string;
    caseNo: string;
    itemCode: string;
    itemName: string;
    itemNameEn?: string;
    state: CaseState;
    applicantName: string;
    applicantIdMasked: string;
    intakeOfficeName: string;
    handlingOfficeName: string;
  };
  mode: TransferMode;
  /** The scanned cover sheet names this very bag (false: a case number was typed, nothing to compare). */
  coverSheetChecked: boolean;
  /** The paper envelope to sign for; null when nothing travels on paper (an online transfer without originals). */
  envelope: EnvelopeView | null;
  materials: ReceivingMaterial[];
}
