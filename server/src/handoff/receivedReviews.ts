import type { BagReview, OwnDecisionRecord } from '@tongban/shared/handoff/received';

/** A case a bag just brought in, as the import names it. */
export interface ImportedCase {
  caseId: string;
  caseNo: string;
  fromSite: string;
  transferId: string;
}

/**
 * A module that keeps its own record of co-reviews whose cases arrive here by bag: at the handling
 * site, the decision its reviewer signed in a cross-site co-review (federation/).
 */
export interface ReviewRecordKeeper {
  /**
   * Inside the import's transaction: checks the bag's review against this site's record and links
   * the two (with its audit event); throws to refuse the bag when they disagree.
   */
  imported(c: ImportedCase, review: BagReview | null): void;
  /** This site's record linked to a received case, if it has one. */
  recordFor(caseId: string): OwnDecisionRecord | null;
}

/** Where the keeper registers with the handoff module (built before it); without one, bags bring review evidence only. */
export class ReceivedReviews implements ReviewRecordKeeper {
  private keeper?: ReviewRecordKeeper;

  keep(keeper: ReviewRecordKeeper): void {
    this.keeper = keeper;
  }

  imported(c: ImportedCase, review: BagReview | null): void {
    this.keeper?.imported(c, review);
  }

  recordFor(caseId: string): OwnDecisionRecord | null {
    return this.keeper?.recordFor(caseId) ?? null;
  }
}
