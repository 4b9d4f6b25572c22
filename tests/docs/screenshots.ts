/**
 * The README's screenshots, taken from the real app: `npx tsx tests/docs/screenshots.ts` (after
 * `npm run build`) writes docs/screenshot-workspace.png (a clerk's case workspace at 1280×720) and
 * docs/screenshot-phone.png (the applicant's phone in the call at 390×844, asked for consent) and
 * docs/screenshot-dashboard.png (the supervisors' dashboard, 1280 wide, over the cases made here).
 */
import path from 'node:path';
import { ApiClient } from '../support/testServer';
import { startCallBrowser } from '../support/callBrowser';
import { joinCall } from '../support/callPage';
import { createPrecheckedCase, decideByReview, openActiveSession } from '../support/reviewFixtures';
import { acceptedCase } from '../support/handoffCase';

const docs = path.join(import.meta.dirname, '..', '..', 'docs');
const cb = await startCallBrowser({ rtcMinPort: 46600, env: { OCR_WORKERS: 1 } });
try {
  const clerk = await ApiClient.login(cb.url, 'clerk');
  const reviewer = await ApiClient.login(cb.url, 'reviewer');
  const { id: caseId } = await createPrecheckedCase(clerk);

  const desk = await cb.newPage();
  await desk.setViewportSize({ width: 1280, height: 720 });
  await cb.login(desk, 'clerk');
  await desk.goto(`${cb.url}/cases/${caseId}`);
  await desk.getByRole('button', { name: '申请视频会审' }).first().waitFor();
  await desk.screenshot({ path: path.join(docs, 'screenshot-workspace.png') });
  console.log('docs/screenshot-workspace.png');

  const sessionId = await openActiveSession(clerk, reviewer, caseId);
  const reviewerPage = await cb.newPage();
  await cb.login(reviewerPage, 'reviewer');
  await joinCall(reviewerPage, cb.url, sessionId);
  const link = await clerk.post(`/api/review/sessions/${sessionId}/applicant-link`);
  const phone = await cb.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${cb.url}/join/${link.body.token as string}`);
  await phone.getByRole('button', { name: '看得到，下一步' }).click();
  await phone.getByTestId('phone-now').getByText('您同意吗').waitFor({ timeout: 30_000 });
  await phone.waitForFunction(() => [...document.querySelectorAll('video')].some((v) => v.videoWidth > 0 && !v.muted), undefined, {
    timeout: 30_000,
  });
  await phone.screenshot({ path: path.join(docs, 'screenshot-phone.png') });
  console.log('docs/screenshot-phone.png');

  // A few more cases in other states, so the dashboard has something to show.
  for (let i = 0; i < 3; i++) await createPrecheckedCase(clerk);
  const rejected = await createPrecheckedCase(clerk);
  await decideByReview(clerk, reviewer, rejected.id, { outcome: 'reject', reason: '申请事项不属于本单位受理范围' });
  // And cases taken the whole way: handed off by courier, checked and decided at the handling
  // office, the result mailed back, rated by the applicant.
  const ratings = [
    { level: 5, indicators: { attitude: 5, efficiency: 5 } },
    { level: 4, indicators: { attitude: 5, efficiency: 3 } },
    { level: 2, comment: '等候时间较长', indicators: { attitude: 4, efficiency: 1 } },
  ];
  for (const [i, rating] of ratings.entries()) {
    const { caseId: done } = await acceptedCase(cb.server);
    const waybill = { courierCompany: '中国邮政EMS', waybillNo: `EA10000000${i}CN` };
    const steps = [
      await clerk.post(`/api/cases/${done}/handoff/courier`, waybill),
      await reviewer.post(`/api/cases/${done}/handoff/envelope/received`, waybill),
      await reviewer.post(`/api/cases/${done}/handoff/start`),
      await reviewer.post(`/api/cases/${done}/handoff/result`, {
        outcome: 'approved',
        summary: '准予办理',
        delivery: 'mail',
        courierCompany: '中国邮政EMS',
        waybillNo: `EA20000000${i}CN`,
      }),
      await clerk.post(`/api/cases/${done}/rating`, rating),
    ];
    const failed = steps.find((r) => r.status >= 300);
    if (failed) throw new Error(`dashboard case: ${failed.status} ${JSON.stringify(failed.body)}`);
  }
  const board = await cb.newPage();
  await board.setViewportSize({ width: 1280, height: 900 });
  await cb.login(board, 'supervisor');
  await board.goto(`${cb.url}/dashboard`);
  await board.getByRole('img', { name: /堆叠柱状图/ }).waitFor();
  await board.screenshot({ path: path.join(docs, 'screenshot-dashboard.png'), fullPage: true });
  console.log('docs/screenshot-dashboard.png');
} finally {
  await cb.close();
}
