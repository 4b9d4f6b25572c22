import type { Feature } from '../feature';
import type { HandoffEvidence } from '../handoff/evidence';
import type { ReceiptService } from '../receipt/ReceiptService';
import type { RetentionService } from '../retention/RetentionService';
import { tableFiles } from '../retention/tableFiles';
import type { ReviewSessionService } from '../review/ReviewSessionService';
import { SignatureService, type SignatureDeps } from './SignatureService';
import { createSignatureRoutes } from './signatureRoutes';

export interface SignatureModuleDeps extends Omit<SignatureDeps, 'review'> {
  /** The phone signs in the call; the session views and review.json show the signature. */
  review: Pick<ReviewSessionService, 'activeForApplicant' | 'signatureChanged' | 'linkSignatures'>;
  /** data/signature/ of the bag: the image, the text signed, signature.json. */
  evidence: Pick<HandoffEvidence, 'provide'>;
  /** 收件回执 prints the signature and its hash. */
  receipts: Pick<ReceiptService, 'printSignature'>;
  /** 保存期限: the images are deleted with the recordings. */
  retention: Pick<RetentionService, 'register'>;
}

/** 申请人签名: the declaration signed on the phone or at the window, shown in the call, printed on the receipt, carried in the bag. */
export interface SignatureModule extends Feature {
  signatures: SignatureService;
}

export function createSignatureModule({ evidence, receipts, retention, ...deps }: SignatureModuleDeps): SignatureModule {
  const signatures = new SignatureService(deps);
  deps.review.linkSignatures(signatures);
  evidence.provide('signature', (caseId) => signatures.forBag(caseId));
  receipts.printSignature((caseId) => signatures.forReceipt(caseId));
  retention.register('signature', tableFiles(deps.db, 'case_signatures', 'image_sha256'));
  return { signatures, routes: () => createSignatureRoutes({ signatures, blobs: deps.blobs }) };
}
