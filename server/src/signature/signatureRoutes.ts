import { Router } from 'express';
import { SignatureRequestSchema } from '@tongban/shared/signature/signature';
import { authorize, currentUser, idParam, parse, route } from '../api/http';
import { sendStoredStream } from '../materials/sendStoredFile';
import type { BlobStore } from '../storage/BlobStore';
import type { SignatureService } from './SignatureService';

/** 申请人签名 of a case: read it (and the declaration to sign), sign on the window's device, the image. */
export function createSignatureRoutes({ signatures, blobs }: { signatures: SignatureService; blobs: BlobStore }): Router {
  const r = Router();
  r.get(
    '/cases/:id/signature',
    route((req, res) => {
      res.json(signatures.forCase(idParam(req), currentUser(req)));
    }),
  );
  r.post(
    '/cases/:id/signature',
    route(async (req, res) => {
      const user = authorize(req, 'signature.signAtWindow');
      const body = parse(SignatureRequestSchema, req.body);
      res.status(201).json({ signature: await signatures.signAtWindow(idParam(req), user, body) });
    }),
  );
  r.get(
    '/cases/:id/signature.png',
    route((req, res) => {
      const { sha256, caseNo } = signatures.image(idParam(req), authorize(req, 'case.fullIdentity'));
      return sendStoredStream(res, blobs.open(sha256), {
        fileName: `signature-${caseNo}-${sha256.slice(0, 8)}.png`,
        cacheControl: 'private, max-age=3600',
      });
    }),
  );
  return r;
}
