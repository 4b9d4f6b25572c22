import { Router } from 'express';
import { ReissueNoticeRequestSchema } from '@tongban/shared/cases/correctionNotice';
import { authorize, idParam, parse, route } from '../api/http';
import { serverOriginOf } from '../api/serverOrigin';
import { sendStoredBytes } from '../materials/sendStoredFile';
import type { CorrectionNoticeService } from './CorrectionNoticeService';

/** 补正材料通知书: the case's notices, the one in force as a PDF, and a changed list from the handling office. */
export function createCorrectionRoutes(notices: CorrectionNoticeService): Router {
  const r = Router();
  r.get(
    '/cases/:id/correction-notice',
    route((req, res) => res.json({ notices: notices.list(idParam(req), authorize(req, 'correction.notice')) })),
  );
  r.get(
    '/cases/:id/correction-notice.pdf',
    route(async (req, res) => {
      const { caseNo, seq, pdf } = await notices.pdf(idParam(req), authorize(req, 'correction.notice'), serverOriginOf(req));
      sendStoredBytes(res, pdf, { fileName: `correction-notice-${caseNo}-${seq}.pdf` });
    }),
  );
  r.post(
    '/cases/:id/correction-notice',
    route((req, res) =>
      res
        .status(201)
        .json(notices.reissue(idParam(req), authorize(req, 'correction.reissue'), parse(ReissueNoticeRequestSchema, req.body))),
    ),
  );
  return r;
}
