import { buffer } from 'node:stream/consumers';
import type { Response } from 'express';
import sharp from 'sharp';
import { AppError } from '@tongban/shared';
import type { IdPhotoRegion } from '@tongban/shared/precheck/types';
import type { SessionUser } from '../auth/AuthService';
import type { CaseService } from '../cases/CaseService';
import { sendStoredBytes } from '../materials/sendStoredFile';
import type { BlobStore } from '../storage/BlobStore';
import type { PrecheckService } from './PrecheckService';

/**
 * The ID photo for the reviewer's face comparison: exactly the region the pre-check found on the
 * case's ID card front — in colour, as the pre-check cut it from the original with the page's
 * geometry; from the grayscale page image its box refers to when there is no colour copy (a
 * grayscale original, a result stored before colour crops). When a material was pre-checked again
 * (a rescan, a re-run), the latest result counts.
 */

export interface IdPhotoCrop {
  png: Buffer;
  materialId: string;
  photo: IdPhotoRegion;
}

export interface IdPhotoDeps {
  cases: CaseService;
  precheck: PrecheckService;
  blobs: BlobStore;
}

/** Case participants only — the intake window and the handling office — as for the scans themselves; not admins. */
export async function idPhotoCrop(deps: IdPhotoDeps, caseId: string, user: SessionUser): Promise<IdPhotoCrop> {
  return cutIdPhoto(deps, deps.cases.getForFiles(caseId, user).id);
}

/** The crop of a case the caller has already let the reader see (a join grant's case, say). */
export async function cutIdPhoto(
  deps: { precheck: Pick<PrecheckService, 'idCardFront'>; blobs: BlobStore },
  caseId: string,
): Promise<IdPhotoCrop> {
  const front = deps.precheck.idCardFront(caseId);
  if (!front) throw new AppError('PRECHECK_ID_FRONT_MISSING', { details: { caseId } });
  if (!front.photo)
    throw new AppError('PRECHECK_ID_PHOTO_NOT_FOUND', {
      details: { caseId, materialId: front.materialId, page: front.pageIndex + 1 },
    });
  const { box } = front.photo;
  const png = front.colourPhotoSha256
    ? await buffer(deps.blobs.open(front.colourPhotoSha256))
    : await sharp(await buffer(deps.blobs.open(front.imageSha256)))
        .extract({ left: box.x0, top: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 })
        .png()
        .toBuffer();
  return { png, materialId: front.materialId, photo: front.photo };
}

/** Whether the box came from the photo's edges or only from the card layout, for the reviewer (read cross-origin too). */
export const ID_PHOTO_HEADERS = ['X-Id-Photo-Source', 'X-Id-Photo-Confidence'] as const;

export function sendIdPhoto(res: Response, crop: IdPhotoCrop): void {
  const [source, confidence] = ID_PHOTO_HEADERS;
  sendStoredBytes(res, crop.png, {
    fileName: 'id-photo.png',
    cacheControl: 'private, no-cache',
    headers: { [source]: crop.photo.source, [confidence]: String(crop.photo.confidence) },
  });
}
