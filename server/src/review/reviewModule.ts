import { Router } from 'express';
import type { RecordingAvailability } from '@tongban/shared/review/session';
import type { CallModule } from '../call/callModule';
import type { Feature } from '../feature';
import { peerOrigins } from '../api/guards';
import { reviewEvidence, type HandoffEvidence } from '../handoff/evidence';
import { createGrantRoutes } from './grantRoutes';
import type { JoinGrantService } from './joinGrants';
import { createRecordingRoutes } from './recordingRoutes';
import { ReviewRecordingService, type RecordingDeps } from './recordingService';
import { createReviewRoutes } from './reviewRoutes';
import type { ReviewSessionService } from './ReviewSessionService';
import type { RetentionService } from '../retention/RetentionService';
import { tableFiles } from '../retention/tableFiles';

export interface ReviewModuleDeps extends RecordingDeps {
  /** The co-review sessions, made first: the call module is built over them and this module over its calls. */
  review: ReviewSessionService;
  call: Pick<CallModule, 'events' | 'roomOf'>;
  /** Whether this site records calls (probed once at start). */
  recording: RecordingAvailability;
  /** The handoff bag's evidence: the review adds data/review/ (decision, checks, snapshots, recordings). */
  evidence: Pick<HandoffEvidence, 'provide'>;
  /** Join grants for peer sites' reviewers: issued here on a signed request, read with by their browsers. */
  grants: JoinGrantService;
  /** 保存期限: the recordings and snapshots are deleted when the case's retention period is over. */
  retention: Pick<RetentionService, 'register'>;
}

/** 视频会审 around the live call: the sessions' routes, the recordings of consented calls and the review's bag evidence. */
export interface ReviewModule extends Feature {
  review: ReviewSessionService;
  recordings: ReviewRecordingService;
}

export function createReviewModule({ review, call, recording, evidence, grants, retention, ...deps }: ReviewModuleDeps): ReviewModule {
  const recordings = new ReviewRecordingService(deps, review, call, recording);
  retention.register('recording', tableFiles(deps.db, 'review_recordings', 'sha256', "status = 'stored'"));
  retention.register('snapshot', tableFiles(deps.db, 'review_snapshots', 'sha256'));
  evidence.provide(
    'review',
    reviewEvidence(async (caseId) => {
      // Recordings of the decided session may still be finishing: wait for them (bounded) first.
      const sessionId = review.reviewExport(caseId)?.sessionId;
      if (sessionId) await recordings.settled(sessionId);
      return review.reviewExport(caseId);
    }, deps.blobs),
  );
  return {
    review,
    recordings,
    routes: () =>
      Router().use(
        createReviewRoutes({ review, blobs: deps.blobs }),
        createRecordingRoutes({ recordings }),
        createGrantRoutes(grants, review, new Set(peerOrigins(deps.config).keys())),
      ),
    recoverInterrupted: () => recordings.recoverInterrupted(),
    close: () => recordings.close(),
  };
}
