import type { CheckStepRequest, ConsentRequest, LivenessPrompt } from '@tongban/shared/review/checklist';
import type {
  ApplicantLink,
  ApplicantPass,
  DecisionRequest,
  ReviewQueueEntry,
  ReviewSessionView,
  ReviewSnapshotView,
} from '@tongban/shared/review/session';
import { api, ApiError } from '../../api/client';

/** REST calls of the co-review flow (server/src/review/reviewRoutes.ts). */
const s = (sessionId: string) => `/api/review/sessions/${encodeURIComponent(sessionId)}`;

export const reviewApi = {
  forCase: (caseId: string) => api.get<{ session: ReviewSessionView | null }>(`/api/cases/${encodeURIComponent(caseId)}/review`),
  request: (caseId: string) => api.post<ReviewSessionView>(`/api/cases/${encodeURIComponent(caseId)}/review`),
  queue: () => api.get<ReviewQueueEntry[]>('/api/review/queue'),
  get: (sessionId: string) => api.get<ReviewSessionView>(s(sessionId)),
  accept: (sessionId: string) => api.post<ReviewSessionView>(`${s(sessionId)}/accept`),
  cancel: (sessionId: string) => api.post<ReviewSessionView>(`${s(sessionId)}/cancel`),
  applicantLink: (sessionId: string) => api.post<ApplicantLink>(`${s(sessionId)}/applicant-link`),
  redeem: (token: string) => api.post<ApplicantPass>('/api/review/applicant/redeem', { token }),
  consent: (sessionId: string, body: ConsentRequest) => api.post<ReviewSessionView>(`${s(sessionId)}/consent`, body),
  liveness: (sessionId: string) => api.post<LivenessPrompt>(`${s(sessionId)}/liveness`),
  check: (sessionId: string, body: CheckStepRequest) => api.post<ReviewSessionView>(`${s(sessionId)}/checks`, body),
  decide: (sessionId: string, body: DecisionRequest) => api.post<ReviewSessionView>(`${s(sessionId)}/decision`, body),
  snapshotUrl: (sessionId: string, snapshotId: string) => `${s(sessionId)}/snapshots/${encodeURIComponent(snapshotId)}`,
  recordingUrl: (sessionId: string, recordingId: string) => `${s(sessionId)}/recordings/${encodeURIComponent(recordingId)}`,
  /** Full-resolution JPEG straight from the video; the server watermarks and keeps it as evidence. */
  async snapshot(sessionId: string, image: Blob, label: string): Promise<ReviewSnapshotView> {
    const res = await fetch(`${s(sessionId)}/snapshots?label=${encodeURIComponent(label)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': image.type || 'image/jpeg', accept: 'application/json' },
      body: image,
    }).catch((e: unknown) => {
      throw ApiError.network(e);
    });
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw ApiError.fromBody(res.status, body);
    return body as ReviewSnapshotView;
  },
};
