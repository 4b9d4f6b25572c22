import type { ReceivingView } from '@tongban/shared/handoff/receiving';
import type {
  CourierHandoffRequest,
  FollowUpCloseRequest,
  HandoffStatusView,
  RatingLedgerRow,
  RatingRequest,
  ResultRequest,
  TransferRequest,
} from '@tongban/shared/handoff/schemas';
import { api, upload } from '../../api/client';

/** REST calls of the handoff panel, the receiving desk, the rating pad, the phone rating page and the ratings ledger. */
const base = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}`;

export const handoffApi = {
  statusPath: (caseId: string) => `${base(caseId)}/handoff`,
  coverUrl: (caseId: string) => `${base(caseId)}/handoff/cover.pdf`,
  bagUrl: (caseId: string) => `${base(caseId)}/handoff/bag.zip`,
  resultDocumentUrl: (caseId: string) => `${base(caseId)}/handoff/result/document`,
  receivedPath: (caseId: string) => `${base(caseId)}/handoff/received`,
  courier: (caseId: string, body: CourierHandoffRequest) => api.post<HandoffStatusView>(`${base(caseId)}/handoff/courier`, body),
  transfer: (caseId: string, body: TransferRequest = {}) => api.post<HandoffStatusView>(`${base(caseId)}/handoff/transfer`, body),
  mailOriginals: (caseId: string, body: CourierHandoffRequest) => api.post<HandoffStatusView>(`${base(caseId)}/handoff/envelope`, body),
  receivingPath: (code: string) => `/api/handoff/receiving?code=${encodeURIComponent(code)}`,
  signEnvelope: (caseId: string, body: CourierHandoffRequest) => api.post<ReceivingView>(`${base(caseId)}/handoff/envelope/received`, body),
  startHandling: (caseId: string) => api.post<ReceivingView>(`${base(caseId)}/handoff/start`),
  uploadResult: (caseId: string, file: File, onProgress: (f: number) => void) =>
    upload<{ sha256: string }>(`${base(caseId)}/handoff/result/document`, file, file.name, onProgress),
  recordResult: (caseId: string, body: ResultRequest) => api.post<HandoffStatusView>(`${base(caseId)}/handoff/result`, body),
  resendResult: (caseId: string) => api.post<HandoffStatusView>(`${base(caseId)}/handoff/result/resend`),
  rateAtWindow: (caseId: string, body: RatingRequest) => api.post(`${base(caseId)}/rating`, body),
  ratingLink: (caseId: string) => api.post<{ token: string; path: string; expiresAt: string }>(`${base(caseId)}/rating-link`),
  linkInfo: (token: string) =>
    api.get<{ caseNo: string; itemName: string; intakeOffice: string }>(`/api/ratings/${encodeURIComponent(token)}`),
  rateByToken: (token: string, body: RatingRequest) => api.post(`/api/ratings/${encodeURIComponent(token)}`, body),
  ratingsLedgerPath: '/api/ledger/ratings',
  closeFollowUp: (id: string, body: FollowUpCloseRequest) =>
    api.post<{ ok: true }>(`/api/follow-ups/${encodeURIComponent(id)}/close`, body),
  recordCallback: (id: string, body: { note: string }) =>
    api.post<{ ok: true }>(`/api/follow-ups/${encodeURIComponent(id)}/callback`, body),
  appendRating: (caseId: string, body: { comment: string }) =>
    api.post<RatingLedgerRow>(`/api/cases/${encodeURIComponent(caseId)}/rating/append`, body),
  appealRating: (caseId: string, body: { reason: string }) =>
    api.post<RatingLedgerRow>(`/api/cases/${encodeURIComponent(caseId)}/rating/appeal`, body),
  decideAppeal: (caseId: string, body: { approve: boolean; reason: string }) =>
    api.post<RatingLedgerRow>(`/api/cases/${encodeURIComponent(caseId)}/rating/appeal/decision`, body),
};
