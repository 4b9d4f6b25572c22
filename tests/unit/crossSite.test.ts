import { describe, expect, it } from 'vitest';
import { maskIdNumber } from '@tongban/shared/cases/masking';
import {
  CoReviewDecisionSchema,
  CoReviewRequestSchema,
  CoReviewWithdrawalSchema,
  grantUsable,
  JOIN_GRANT_TTL_MS,
  JoinGrantRequestSchema,
  JoinGrantSchema,
  nextRetryDelay,
  PEER_RETRY_POLICY,
  retryDelays,
  SITE_CLOCK_SKEW_MS,
} from '@tongban/shared/review/crossSite';

const ID = '11010519491231002X';
const T0 = new Date('2026-11-25T02:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const reviewer = { userId: 'u-hn-1', displayName: '王审核', officeId: 'hn-cs-office', siteId: 'hn' };

function request(): any {
  return {
    kind: 'tongban.coreview.request.v1',
    sessionId: 's-1',
    caseId: 'c-1',
    caseNo: 'GD-SG-20261125-0001',
    item: { code: 'HN-SBK-001', name: '社会保障卡申领' },
    intakeOfficeId: 'gd-sg-window',
    handlingOfficeId: 'hn-cs-office',
    applicant: { name: '王浩然', idNumberMasked: maskIdNumber(ID) },
    precheck: {
      verdict: 'warn',
      blocking: 0,
      warnings: 1,
      missingSlots: [],
      findings: [
        {
          materialId: 'm-1',
          rule: 'legibility',
          severity: 'warn',
          code: 'LOW_CONFIDENCE',
          message_zh: '字迹不清',
          message_en: 'Hard to read',
          page: 0,
          bbox: { x0: 1, y0: 2, x1: 30, y1: 40 },
        },
      ],
    },
    materials: [
      { id: 'm-1', slotCode: 'ID_CARD', slotName: '居民身份证', fileName: '身份证.jpg', mediaType: 'image/jpeg', size: 20480, pages: 1 },
    ],
    requestedAt: T0.toISOString(),
  };
}

function grant(): any {
  return {
    kind: 'tongban.coreview.join-grant.v1',
    grantId: 'Zm9vYmFyYmF6cXV4cXV1eHF1dXg',
    sessionId: 's-1',
    reviewer,
    intakeSite: 'gd',
    issuedAt: T0.toISOString(),
    expiresAt: at(JOIN_GRANT_TTL_MS).toISOString(),
    singleUse: true,
  };
}

function decision(): any {
  return {
    kind: 'tongban.coreview.decision.v1',
    decisionId: 'd-1',
    sessionId: 's-1',
    caseNo: 'GD-SG-20261125-0001',
    decision: { outcome: 'request_correction', items: [{ slotCode: 'ID_CARD', reason: '请重新扫描背面' }] },
    decidedBy: reviewer,
    decidedAt: T0.toISOString(),
  };
}

const issuesOf = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; code: string }> } }) =>
  r.error?.issues.map((i) => `${i.path.join('.')}:${i.code}`) ?? [];

describe('cross-site co-review messages', () => {
  it('accept the messages the two sites exchange', () => {
    expect(CoReviewRequestSchema.parse(request()).applicant.idNumberMasked).toBe('1101**********002X');
    expect(
      CoReviewWithdrawalSchema.parse({
        kind: 'tongban.coreview.withdrawal.v1',
        sessionId: 's-1',
        reason: 'timed_out',
        at: T0.toISOString(),
      }).reason,
    ).toBe('timed_out');
    expect(JoinGrantRequestSchema.parse({ kind: 'tongban.coreview.join-request.v1', sessionId: 's-1', reviewer }).reviewer.siteId).toBe(
      'hn',
    );
    expect(JoinGrantSchema.parse(grant()).singleUse).toBe(true);
    expect(CoReviewDecisionSchema.parse(decision()).decision.outcome).toBe('request_correction');
    for (const d of [{ outcome: 'accept' }, { outcome: 'reject', reason: '不符合受理条件' }])
      expect(CoReviewDecisionSchema.safeParse({ ...decision(), decision: d }).success).toBe(true);
  });

  it('refuse a full ID number for the applicant: only the masked form travels', () => {
    const full = request();
    full.applicant.idNumberMasked = ID;
    expect(issuesOf(CoReviewRequestSchema.safeParse(full))).toEqual(['applicant.idNumberMasked:invalid_format']);
    const extra = request();
    extra.applicant.idNumber = ID;
    expect(issuesOf(CoReviewRequestSchema.safeParse(extra))).toEqual(['applicant:unrecognized_keys']);
    // The old 15-digit number masks too; half-masked forms do not pass.
    expect(
      CoReviewRequestSchema.safeParse({ ...request(), applicant: { name: '王浩然', idNumberMasked: maskIdNumber('110105491231002') } })
        .success,
    ).toBe(true);
    for (const partly of ['110105********002X', '1101**********00', '1101*********1002X'])
      expect(CoReviewRequestSchema.safeParse({ ...request(), applicant: { name: '王浩然', idNumberMasked: partly } }).success, partly).toBe(
        false,
      );
    // An ID number typed into a finding's message is masked like any free text.
    const typed = request();
    typed.precheck.findings[0].message_zh = `号码 ${ID} 不清`;
    expect(CoReviewRequestSchema.parse(typed).precheck.findings[0]!.message_zh).toBe('号码 1101**********002X 不清');
  });

  it('refuse unknown fields at every level', () => {
    const cases: Array<[string, (m: any) => void, string]> = [
      ['top level', (r) => (r.token = 'x'), ':unrecognized_keys'],
      ['material', (r) => (r.materials[0].sha256 = 'ab'), 'materials.0:unrecognized_keys'],
      ['finding', (r) => (r.precheck.findings[0].ocrText = 'x'), 'precheck.findings.0:unrecognized_keys'],
      ['bbox', (r) => (r.precheck.findings[0].bbox.z = 1), 'precheck.findings.0.bbox:unrecognized_keys'],
    ];
    for (const [name, edit, issue] of cases) {
      const r = request();
      edit(r);
      expect(issuesOf(CoReviewRequestSchema.safeParse(r)), name).toEqual([issue]);
    }
    expect(JoinGrantSchema.safeParse({ ...grant(), caseIds: ['c-2'] }).success).toBe(false);
    expect(JoinGrantSchema.safeParse({ ...grant(), reviewer: { ...reviewer, role: 'admin' } }).success).toBe(false);
    const d = decision();
    d.decision.items[0].page = 2;
    expect(issuesOf(CoReviewDecisionSchema.safeParse(d))).toEqual(['decision.items.0:unrecognized_keys']);
    expect(CoReviewDecisionSchema.safeParse({ ...decision(), decision: { outcome: 'accept', extra: 1 } }).success).toBe(false);
  });

  it('refuse over-long texts, control characters and wrong kinds', () => {
    const long = request();
    long.item.name = '社'.repeat(129);
    expect(issuesOf(CoReviewRequestSchema.safeParse(long))).toEqual(['item.name:too_big']);
    const name = request();
    name.applicant.name = '王'.repeat(65);
    expect(issuesOf(CoReviewRequestSchema.safeParse(name))).toEqual(['applicant.name:too_big']);
    expect(CoReviewDecisionSchema.safeParse({ ...decision(), decision: { outcome: 'reject', reason: '理'.repeat(2001) } }).success).toBe(
      false,
    );
    expect(CoReviewDecisionSchema.safeParse({ ...decision(), decidedBy: { ...reviewer, displayName: '王\u202e审核' } }).success).toBe(
      false,
    );
    // A grant presented as a decision (or the other way round) is refused by its kind.
    expect(CoReviewDecisionSchema.safeParse({ ...decision(), kind: 'tongban.coreview.join-grant.v1' }).success).toBe(false);
    expect(
      CoReviewWithdrawalSchema.safeParse({
        kind: 'tongban.coreview.withdrawal.v1',
        sessionId: 's-1',
        reason: 'cancelled',
        at: T0.toISOString(),
      }).success,
    ).toBe(false);
  });

  it('refuse findings of materials not listed, and a request to the intake office itself', () => {
    const r = request();
    r.precheck.findings[0].materialId = 'm-9';
    expect(issuesOf(CoReviewRequestSchema.safeParse(r))).toEqual(['precheck.findings.0.materialId:custom']);
    expect(issuesOf(CoReviewRequestSchema.safeParse({ ...request(), handlingOfficeId: 'gd-sg-window' }))).toEqual([
      'handlingOfficeId:custom',
    ]);
  });

  it('refuse a grant that is not short-lived or not single-use', () => {
    expect(JoinGrantSchema.safeParse({ ...grant(), expiresAt: at(60 * 60_000).toISOString() }).success).toBe(false);
    expect(JoinGrantSchema.safeParse({ ...grant(), expiresAt: T0.toISOString() }).success).toBe(false);
    expect(JoinGrantSchema.safeParse({ ...grant(), singleUse: false }).success).toBe(false);
    expect(JoinGrantSchema.safeParse({ ...grant(), grantId: 'short' }).success).toBe(false);
  });
});

describe('grantUsable', () => {
  const g = { issuedAt: T0.toISOString(), expiresAt: at(JOIN_GRANT_TTL_MS).toISOString() };

  it('holds from issue to expiry', () => {
    expect(grantUsable(g, T0, { skewMs: 0 })).toEqual({ ok: true });
    expect(grantUsable(g, at(JOIN_GRANT_TTL_MS - 1), { skewMs: 0 })).toEqual({ ok: true });
    expect(grantUsable(g, at(JOIN_GRANT_TTL_MS), { skewMs: 0 })).toEqual({ ok: false, reason: 'expired' });
    expect(grantUsable(g, at(-1), { skewMs: 0 })).toEqual({ ok: false, reason: 'not_yet_valid' });
  });

  it('still works when the two sites’ clocks are two minutes apart either way (the default tolerance)', () => {
    expect(SITE_CLOCK_SKEW_MS).toBeGreaterThanOrEqual(2 * 60_000);
    expect(grantUsable(g, at(-2 * 60_000))).toEqual({ ok: true });
    expect(grantUsable(g, at(JOIN_GRANT_TTL_MS + 2 * 60_000))).toEqual({ ok: true });
  });

  it('refuses past the tolerance', () => {
    expect(grantUsable(g, at(-SITE_CLOCK_SKEW_MS - 1))).toEqual({ ok: false, reason: 'not_yet_valid' });
    expect(grantUsable(g, at(JOIN_GRANT_TTL_MS + SITE_CLOCK_SKEW_MS))).toEqual({ ok: false, reason: 'expired' });
    expect(grantUsable(g, at(JOIN_GRANT_TTL_MS + 60_000), { skewMs: 30_000 })).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('retry backoff to an unreachable peer site', () => {
  it('doubles from the first delay up to the cap (no jitter when the random source gives 0)', () => {
    expect(retryDelays(8, () => 0)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(nextRetryDelay(1000, () => 0)).toBe(PEER_RETRY_POLICY.maxMs);
  });

  it('jitters by shortening, never past the cap or below its share', () => {
    const random = () => 0.5;
    expect(retryDelays(3, random)).toEqual([875, 1750, 3500]);
    expect(nextRetryDelay(20, () => 0.999999)).toBeGreaterThanOrEqual(PEER_RETRY_POLICY.maxMs * (1 - PEER_RETRY_POLICY.jitter));
    expect(nextRetryDelay(20, () => 0.999999)).toBeLessThanOrEqual(PEER_RETRY_POLICY.maxMs);
  });

  it('is deterministic for a seeded source and takes another policy', () => {
    const seeded = (seed: number) => () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    expect(retryDelays(6, seeded(42))).toEqual(retryDelays(6, seeded(42)));
    expect(retryDelays(4, () => 0, { initialMs: 10, maxMs: 25, jitter: 0 })).toEqual([10, 20, 25, 25]);
  });

  it('refuses attempt numbers below 1', () => {
    expect(() => nextRetryDelay(0, () => 0)).toThrow(RangeError);
    expect(() => nextRetryDelay(1.5, () => 0)).toThrow(RangeError);
  });
});
