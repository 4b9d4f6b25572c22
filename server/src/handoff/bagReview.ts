import type { Readable } from 'node:stream';
import { AppError } from '@tongban/shared';
import { BagReviewSchema, type BagReview } from '@tongban/shared/handoff/received';

/** The co-review record in a bag, below its top folder (written by evidence.ts's reviewEvidence). */
export const REVIEW_JSON = 'data/review/review.json';
/** review.json and the signature file are small by construction. */
export const TEXT_CAP = 4 * 1024 * 1024;

/** An entry's bytes, read whole. yauzl holds each entry to its declared size, so checking `size` caps the bytes. */
export async function readEntry(open: () => Promise<Readable>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await open()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The file's JSON, or undefined when it is not JSON. */
export function jsonOf(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** review.json read and checked; null when the bag has none (a case decided without a co-review). */
export function parseReview(bytes: Buffer | undefined): BagReview | null {
  if (!bytes) return null;
  const parsed = BagReviewSchema.safeParse(jsonOf(bytes));
  if (!parsed.success) {
    throw new AppError('BAG_LAYOUT_INVALID', {
      details: { file: REVIEW_JSON, issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) },
      zh: '转递包中的审查记录（review.json）格式不符，无法显示',
      en: 'The review record in the bag (review.json) does not match its format; it cannot be shown',
    });
  }
  return parsed.data;
}
