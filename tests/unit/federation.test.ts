import { describe, expect, it } from 'vitest';
import { AppError, type MaterialView, type ServiceItem } from '@tongban/shared';
import { maskIdNumber } from '@tongban/shared/cases/masking';
import { CoReviewRequestSchema } from '@tongban/shared/review/crossSite';
import type { CaseRecord } from '@tongban/server/cases/CaseService';
import { coReviewRequestOf, type PrecheckExport } from '@tongban/server/federation/coReviewMessages';
import { deliveryOutcome } from '@tongban/server/federation/outboxDelivery';
import { Pacer } from '@tongban/server/federation/pacer';
import { createLogger } from '@tongban/server/logger';

const ID = '11010519491231002X';
const T0 = '2026-11-25T02:00:00.000Z';

const c = {
  id: 'c-1',
  caseNo: 'GD-SG-20261125-0001',
  itemCode: 'TB-SBK-SL',
  intakeOfficeId: 'gd-sg-window',
  handlingOfficeId: 'hn-cs-office',
  applicant: { name: '张三', idType: 'resident-id', idNumber: ID, phone: '13800138000' },
} as CaseRecord;
const item = {
  code: 'TB-SBK-SL',
  name: '社会保障卡申领',
  materials: [
    { code: 'ID_CARD', name: '居民身份证' },
    { code: 'PHOTO', name: '证件照' },
  ],
} as unknown as ServiceItem;
const material = (id: string, slotCode: string): MaterialView => ({
  id,
  caseId: 'c-1',
  slotCode,
  fileName: `${slotCode}.jpg`,
  sha256: 'a'.repeat(64),
  mediaType: 'image/jpeg',
  size: 2048,
  source: 'upload',
  uploadedAt: T0,
});
const finding = (code: string, severity: 'block' | 'warn' | 'info', extra: object = {}) => ({
  rule: 'legibility' as const,
  severity,
  code,
  message_zh: `问题 ${code}`,
  message_en: `Finding ${code}`,
  key: `k-${code}`,
  ...extra,
});

function precheck(materials: Array<{ materialId: string; verdict: string | null; findings: unknown[]; pages?: number }>): PrecheckExport {
  return {
    missingSlots: [],
    materials: materials.map((m) => ({ ...m, pages: Array.from({ length: m.pages ?? 0 }, (_, index) => ({ index })) })),
  } as unknown as PrecheckExport;
}

describe('coReviewRequestOf: what the handling site gets before accepting', () => {
  it('masks the ID number, keeps only standing findings without this site’s bookkeeping, and passes the shared schema', () => {
    const req = coReviewRequestOf({
      sessionId: 's-1',
      requestedAt: T0,
      c,
      item,
      materials: [material('m-1', 'ID_CARD'), material('m-2', 'PHOTO')],
      precheck: precheck([
        {
          materialId: 'm-1',
          verdict: 'warn',
          pages: 2,
          findings: [
            finding('LOW_CONFIDENCE', 'warn', { page: 0, bbox: { x0: 1, y0: 2, x1: 3, y1: 4 } }),
            finding('ID_MISMATCH', 'block', { override: { id: 'o-1', reason: '人工核对一致' } }),
            finding('NAME_IN_TEXT', 'info', { message_zh: `证件号 ${ID} 与申请人一致` }),
          ],
        },
        { materialId: 'm-2', verdict: 'pass', findings: [] },
      ]),
    });
    expect(CoReviewRequestSchema.safeParse(req).success).toBe(true);
    expect(req.applicant).toEqual({ name: '张三', idNumberMasked: maskIdNumber(ID) });
    expect(JSON.stringify(req)).not.toContain(ID);
    expect(req.precheck).toMatchObject({ verdict: 'warn', blocking: 0, warnings: 1 });
    expect(req.precheck.findings.map((f) => f.code)).toEqual(['LOW_CONFIDENCE', 'NAME_IN_TEXT']);
    expect(req.precheck.findings[0]).toEqual({
      materialId: 'm-1',
      rule: 'legibility',
      severity: 'warn',
      code: 'LOW_CONFIDENCE',
      message_zh: '问题 LOW_CONFIDENCE',
      message_en: 'Finding LOW_CONFIDENCE',
      page: 0,
      bbox: { x0: 1, y0: 2, x1: 3, y1: 4 },
    });
    expect(req.materials).toEqual([
      { id: 'm-1', slotCode: 'ID_CARD', slotName: '居民身份证', fileName: 'ID_CARD.jpg', mediaType: 'image/jpeg', size: 2048, pages: 2 },
      { id: 'm-2', slotCode: 'PHOTO', slotName: '证件照', fileName: 'PHOTO.jpg', mediaType: 'image/jpeg', size: 2048 },
    ]);
  });

  it('says `none` when nothing has been pre-checked', () => {
    const req = coReviewRequestOf({
      sessionId: 's-1',
      requestedAt: T0,
      c,
      item,
      materials: [material('m-1', 'ID_CARD')],
      precheck: precheck([{ materialId: 'm-1', verdict: null, findings: [] }]),
    });
    expect(req.precheck).toMatchObject({ verdict: 'none', blocking: 0, warnings: 0, findings: [] });
  });
});

describe('deliveryOutcome: which failures are tried again', () => {
  const refused = (status: number, peerError: unknown) => new AppError('PEER_SITE_REFUSED', { details: { site: 'hn', status, peerError } });

  it('retries an unreachable peer and a 5xx, 408 or 429 answer', () => {
    expect(deliveryOutcome(new AppError('PEER_SITE_UNREACHABLE', { details: { site: 'hn' } }))).toMatchObject({
      retry: true,
      error: { code: 'PEER_SITE_UNREACHABLE' },
    });
    for (const status of [500, 502, 503, 408, 429]) expect(deliveryOutcome(refused(status, 'Bad gateway')).retry).toBe(true);
    expect(deliveryOutcome(refused(503, 'Bad gateway')).error.code).toBe('HTTP_503');
  });

  it('gives up on a 4xx refusal, keeping the peer’s own code and message', () => {
    const out = deliveryOutcome(
      refused(403, { code: 'REVIEW_PEER_OFFICE_MISMATCH', message_zh: '办理单位不由本站承载', message_en: 'not hosted here' }),
    );
    expect(out).toEqual({
      retry: false,
      error: { code: 'REVIEW_PEER_OFFICE_MISMATCH', message_zh: '办理单位不由本站承载', message_en: 'not hosted here' },
    });
    expect(deliveryOutcome(new AppError('PEER_SITE_UNKNOWN')).retry).toBe(false);
  });
});

describe('Pacer: timed work one run at a time', () => {
  const log = createLogger('silent');
  const clock = { now: () => new Date() };
  const tick = () => new Promise((r) => setImmediate(r));

  it('does nothing before start, runs after a kick, and again at the time the work names', async () => {
    let runs = 0;
    const pacer = new Pacer(
      async () => {
        runs++;
        return runs === 1 ? new Date(Date.now() + 20) : undefined;
      },
      clock,
      log,
    );
    pacer.kick();
    await tick();
    expect(runs).toBe(0);
    pacer.start();
    await expect.poll(() => runs).toBe(2);
    await pacer.close();
  });

  it('folds kicks during a run into one more run, and close waits for the run under way', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const pacer = new Pacer(
      (signal) =>
        new Promise<undefined>((resolve) => {
          runs++;
          release = () => resolve(undefined);
          signal.addEventListener('abort', () => resolve(undefined));
        }),
      clock,
      log,
    );
    pacer.start();
    await expect.poll(() => runs).toBe(1);
    pacer.kick();
    pacer.kick();
    await tick();
    release();
    await expect.poll(() => runs).toBe(2);
    await pacer.close();
    pacer.kick();
    await tick();
    expect(runs).toBe(2);
  });
});
