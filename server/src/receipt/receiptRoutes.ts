import { Router } from 'express';
import { QueryCodeSchema } from '@tongban/shared/cases/queryCode';
import { authorize, idParam, parse, route } from '../api/http';
import { serverOriginOf } from '../api/serverOrigin';
import { sendStoredBytes } from '../materials/sendStoredFile';
import type { ReceiptService } from './ReceiptService';

/** 收件回执 for the window, and the public status lookup (no login: the code is the key). */
export function createReceiptRoutes(ctx: { receipts: ReceiptService }): Router {
  const r = Router();
  r.get(
    '/cases/:id/receipt.pdf',
    route(async (req, res) => {
      const { caseNo, pdf } = await ctx.receipts.receipt(idParam(req), authorize(req, 'case.receipt'), serverOriginOf(req));
      sendStoredBytes(res, pdf, { fileName: `receipt-${caseNo}.pdf` });
    }),
  );
  r.get(
    '/status/:code',
    route((req, res) => {
      // No caching anywhere between: the state changes, and the answer is for this code's holder.
      res.setHeader('Cache-Control', 'no-store');
      res.json({ status: ctx.receipts.status(parse(QueryCodeSchema, req.params.code), req.ip ?? 'unknown') });
    }),
  );
  return r;
}
