import type { EventEmitter } from 'node:events';
import { Router } from 'express';
import type { Room } from '@tongban/sfu';
import type { ConsentRequest } from '@tongban/shared/review/checklist';
import type { AddAnnotationRequest, AnnotationView } from '@tongban/shared/annotations/annotations';
import type { ReviewQueueEntry } from '@tongban/shared/review/session';
import type { DeclarationView, PhoneSignatureRequest, SignatureView } from '@tongban/shared/signature/signature';
import type { Config } from '../config/config';
import type { Logger } from '../logger';
import type { SessionUser } from '../auth/AuthService';
import type { JoinGrant, ReviewEvents, ReviewPrincipal } from '../review/ReviewSessionService';
import type { JoinGrantService } from '../review/joinGrants';
import type { CallKey } from './callKey';
import { CallRegistry } from './CallRegistry';
import type { CallEvents } from './CallRoom';
import { authorize, route } from '../api/http';
import type { Feature } from '../feature';
import { attachSignalling } from './signalling';
import { SfuService } from './sfuService';

/** What the call module asks of the co-review flow: who may join a session's call, and its live queue. */
export interface CallReview extends Pick<EventEmitter<ReviewEvents>, 'on'> {
  authorizeJoin(who: ReviewPrincipal, sessionId: string): JoinGrant;
  /** An applicant's session key, at the handshake (throws REVIEW_TOKEN_*). */
  applicantForKey(key: string): ReviewPrincipal;
  queue(user: SessionUser): ReviewQueueEntry[];
  queueFor(officeId: string): ReviewQueueEntry[];
  /** The applicant's answer to the consent question, from their phone in the call. */
  recordApplicantConsent(who: ReviewPrincipal, body: ConsentRequest): unknown;
}

/** The applicant's signature from their phone in the call (申请人签名). */
export interface CallSignatures {
  declarationForApplicant(who: ReviewPrincipal): DeclarationView;
  signFromPhone(who: ReviewPrincipal, body: PhoneSignatureRequest): Promise<SignatureView>;
}

/** What the call module is built from. */
export interface CallDeps {
  config: Config;
  log: Logger;
  /** The login cookie's user, at the handshake. */
  auth: { userForToken(token: string | undefined): SessionUser | undefined };
  review: CallReview;
  signatures: CallSignatures;
  /** Peer sites' reviewers: who a join grant or rejoin key is (handshake), and the grant used up by their first join. */
  grants: Pick<JoinGrantService, 'principalFor' | 'redeem'>;
  /** 批注 on the shared materials: stored by the annotations module, passed on to the call here. */
  annotations: CallAnnotations;
}

/** What the call asks of the annotations module: store or take back a mark of the member, and the session's marks for a join. */
export interface CallAnnotations {
  add(who: ReviewPrincipal, sessionId: string, body: AddAnnotationRequest): AnnotationView;
  remove(who: ReviewPrincipal, sessionId: string, annotationId: string): unknown;
  forSession(sessionId: string): AnnotationView[];
  /** The ids of the session's marks this participant drew. */
  authoredBy(who: ReviewPrincipal, sessionId: string): string[];
}

/**
 * The live calls as the rest of the server sees them (ctx.call). As a Feature: `realtime` is the
 * `/rtc` signalling namespace (co-review calls and the /check self-test), `routes` the
 * supervisors' SFU figures.
 */
export interface CallModule extends Feature {
  /** The mediasoup workers: started at boot, /api/health, the supervisors' figures. */
  sfu: Pick<SfuService, 'start' | 'health' | 'stats'>;
  events: EventEmitter<CallEvents>;
  /** The SFU room of a call running now (recording joins a call already under way). */
  roomOf(key: CallKey): Room | undefined;
  close(): Promise<void>;
}

export function createCallModule(deps: CallDeps): CallModule {
  const sfu = new SfuService(deps.config, deps.log);
  const calls = new CallRegistry(sfu);
  return {
    sfu,
    events: calls.events,
    roomOf: (key) => calls.get(key)?.room,
    realtime: (io) => attachSignalling(deps, calls, io),
    routes: () => {
      const r = Router();
      /** SFU figures for supervisors: per-worker CPU/routers, per-room transports/producers/consumers. */
      r.get(
        '/sfu/stats',
        route(async (req, res) => {
          authorize(req, 'sfu.stats');
          res.json(await sfu.stats());
        }),
      );
      return r;
    },
    close: async () => {
      calls.close();
      await sfu.close();
    },
  };
}
