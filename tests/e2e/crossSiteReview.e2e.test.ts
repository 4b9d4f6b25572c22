import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient, type TestServer } from '../support/testServer';
import { startTwoSiteCall, type TwoSiteCall } from '../support/twoSiteCall';
import { createPrecheckedCase } from '../support/reviewFixtures';
import { diagnostics, joinCall, mediaFlowing, passChecklistInView, trackSettings, videoResumes } from '../support/callPage';
import { auditVerify } from '../support/auditCli';

/**
 * 跨省视频会审 with two real deployments: the clerk at the Guangdong intake site (gd) requests a
 * co-review; the Hunan reviewer, logged in only at the Hunan site (hn), takes it from hn's own
 * queue and runs the call on gd's signalling and SFU with a join grant; the decision is recorded
 * at hn, signed, and applied at gd with the same id.
 */
let sites: TwoSiteCall;
let gd: TestServer;
let hn: TestServer;
beforeAll(async () => {
  sites = await startTwoSiteCall({ rtcMinPorts: { gd: 45600, hn: 45800 }, server: { ocr: 'printed-text' } });
  ({ gd, hn } = sites);
});
afterAll(async () => {
  await sites?.close();
});

/** Audit events at `site` whose details carry `value` (an id of this co-review). */
const eventsWith = (site: TestServer, value: string) =>
  (
    site.ctx.db.prepare('SELECT action, actor_name, details_json FROM audit_events ORDER BY seq').all() as Array<{
      action: string;
      actor_name: string;
      details_json: string;
    }>
  ).filter((e) => e.details_json.includes(value));

describe('cross-site co-review: clerk at gd, reviewer at hn, each logged in only at their own site', () => {
  let clerkPage: Page;
  let reviewerPage: Page;
  let caseId: string;
  let sessionId: string;
  let decisionId: string;

  it('the clerk’s request shows in hn’s queue; 接单 opens the call at gd and both decode each other’s video and receive audio', async () => {
    const clerk = await ApiClient.login(gd.url, 'clerk');
    caseId = (await createPrecheckedCase(clerk)).id;

    clerkPage = await sites.newPage();
    reviewerPage = await sites.newPage();
    await reviewerPage.setViewportSize({ width: 1280, height: 720 });
    await sites.login(clerkPage, gd, 'clerk');
    await sites.login(reviewerPage, hn, 'reviewer');

    await clerkPage.goto(`${gd.url}/cases/${caseId}`);
    await clerkPage.getByRole('button', { name: '申请视频会审' }).click();
    await expect
      .poll(async () => (await clerk.get(`/api/cases/${caseId}/review`)).body.session?.status, { timeout: 10_000 })
      .toBe('waiting');
    sessionId = (await clerk.get(`/api/cases/${caseId}/review`)).body.session.id;

    await reviewerPage.goto(`${hn.url}/queue`);
    const entry = reviewerPage.locator(`[data-session-id="${sessionId}"][data-remote-site="gd"]`);
    await entry.waitFor({ timeout: 15_000 });
    await entry.getByRole('button', { name: '接单' }).click();
    await reviewerPage.waitForURL((u) => u.pathname === `/remote-call/${sessionId}`);
    const join = reviewerPage.getByRole('button', { name: '进入会审' });
    await join.waitFor();
    await reviewerPage.waitForFunction(() => document.querySelector<HTMLVideoElement>('video')?.srcObject != null);
    await join.click();
    await reviewerPage.waitForFunction(() => window.tongbanCall !== undefined);

    await joinCall(clerkPage, gd.url, sessionId);
    const [c, r] = await Promise.all([mediaFlowing(clerkPage, 2, 30_000), mediaFlowing(reviewerPage, 2, 30_000)]);
    for (const d of [c, r]) {
      expect(d.videoFramesDecoded).toBeGreaterThan(0);
      expect(d.audioPacketsReceived).toBeGreaterThan(0);
      // hn's reviewer joins gd's server with a grant, and is connected in that join all the same.
      expect(d.dtlsConnectedBy).toBe('join');
    }
    // The clerk sees hn's reviewer by their own site's name for them.
    await expect.poll(() => clerkPage.locator('.call-controls').textContent()).toContain('湖南省站点');
  });

  it('the reviewer sees gd’s shared materials and the ID photo crop through the grant, pre-check highlights included', async () => {
    const sheet = reviewerPage.locator('[data-testid="viewer-sheet"] img');
    await sheet.waitFor({ timeout: 15_000 });
    await expect.poll(() => sheet.getAttribute('src')).toMatch(/^blob:/);
    await expect.poll(() => sheet.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    // 人证比对: the ID photo gd's pre-check cut from the ID card, read with the grant.
    const idPhoto = reviewerPage.getByTestId('id-photo');
    await idPhoto.waitFor({ timeout: 15_000 });
    await expect.poll(() => idPhoto.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  });

  it('the reviewer records consent, passes the identity checks with the video in view at 1280×720 and takes a full-size snapshot, all recorded at gd', async () => {
    await reviewerPage.getByRole('button', { name: '申请人同意截图取证' }).click();
    await reviewerPage.getByTestId('consent-recorded').waitFor();
    await passChecklistInView(reviewerPage);
    expect(await reviewerPage.getByLabel('截取画面').evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe(
      '窗口受理人员 · 摄像头',
    );
    await reviewerPage.getByRole('button', { name: '截图', exact: true }).click();
    await reviewerPage.locator('[data-testid="snapshots"] li').first().waitFor({ timeout: 75_000 });

    const session = (await (await ApiClient.login(gd.url, 'clerk')).get(`/api/review/sessions/${sessionId}`)).body;
    expect(session.consent).toMatchObject({ snapshotsAllowed: true });
    expect(session.checklist.allPassed).toBe(true);
    expect(session.snapshots).toHaveLength(1);
    expect({ width: session.snapshots[0].width, height: session.snapshots[0].height }).toEqual(
      await trackSettings(clerkPage, 'video[aria-label="我"]'),
    );
    const audit = gd.ctx.ledger.forCase(caseId);
    expect(audit.filter((e) => e.action === 'review.snapshot')).toHaveLength(1);
  });

  it('a reload of the reviewer’s page accepts again for a fresh grant and rejoins the call', async () => {
    await reviewerPage.reload();
    const join = reviewerPage.getByRole('button', { name: '进入会审' });
    await join.waitFor({ timeout: 15_000 });
    await reviewerPage.waitForFunction(() => document.querySelector<HTMLVideoElement>('video')?.srcObject != null);
    await join.click();
    await reviewerPage.waitForFunction(() => window.tongbanCall !== undefined);
    const r = await mediaFlowing(reviewerPage, 2, 30_000);
    expect(r.videoFramesDecoded).toBeGreaterThan(0);
    // Media flows as soon as the consumers are made; the join ends once our own tracks are sent too.
    await expect.poll(async () => (await diagnostics(reviewerPage)).state, { timeout: 10_000 }).toBe('connected');
    expect(await reviewerPage.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toMatch(/grant/i);
    const grants = gd.ctx.db.prepare('SELECT used_at FROM review_join_grants WHERE session_id = ?').all(sessionId) as Array<{
      used_at: string | null;
    }>;
    expect(grants.filter((g) => g.used_at).length).toBe(2);
  });

  it('gd restarts mid-call: both desks rejoin by themselves (the reviewer with its rejoin key) and decode each other again', async () => {
    const restartedAt = Date.now();
    gd = await sites.restartGd();
    const [clerkBack, reviewerBack] = await Promise.all([
      videoResumes(clerkPage, restartedAt, 60_000),
      videoResumes(reviewerPage, restartedAt, 60_000),
    ]);
    console.log(`intake site restart: video back after ${clerkBack} ms (clerk at gd) and ${reviewerBack} ms (reviewer at hn)`);
    expect(clerkBack).not.toBeNull();
    expect(reviewerBack).not.toBeNull();
    const r = await mediaFlowing(reviewerPage, 2, 10_000);
    expect(r.audioPacketsReceived).toBeGreaterThan(0);
    // The new process holds the same session and the same two people in its room.
    await expect
      .poll(async () => (await gd.ctx.call.sfu.stats()).rooms.find((room) => room.roomId === `review:${sessionId}`)?.peers, {
        timeout: 10_000,
      })
      .toBe(2);
    expect(gd.ctx.review.sessionForPeer(sessionId).open).toBe(true);
  }, 90_000);

  it('补正 decided at hn, confirmed as restated, is recorded at both sites with one id and an audit event each; the clerk sees it', async () => {
    await reviewerPage.getByRole('radio', { name: '补正', exact: true }).check();
    const slot = reviewerPage.locator('fieldset label.check-row', { has: reviewerPage.locator('input[type="checkbox"]') }).first();
    const slotName = (await slot.innerText()).trim();
    await slot.locator('input').check();
    await reviewerPage.getByLabel('理由（必填）').fill('身份证复印件不清晰，请重新提交');
    await reviewerPage.getByRole('button', { name: '提交审查结论' }).click();
    const dialog = reviewerPage.getByRole('dialog', { name: '确认提交审查结论' });
    const summary = await dialog.getByTestId('decision-summary').innerText();
    expect(summary).toMatch(/审查结论\s*补正/);
    expect(summary).toContain(slotName);
    expect(summary).toMatch(/补正原因\s*身份证复印件不清晰，请重新提交/);
    const answer = reviewerPage.waitForResponse((res) => res.url().endsWith(`/api/review/remote/${sessionId}/decision`));
    await dialog.getByRole('button', { name: '确认提交' }).click();
    const res = await answer;
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { decisionId: string; delivery: string };
    decisionId = body.decisionId;
    expect(decisionId).toBeTruthy();

    await expect.poll(() => clerkPage.getByTestId('call-decision').textContent(), { timeout: 20_000 }).toContain('补正');
    await expect.poll(() => reviewerPage.getByTestId('call-decision').textContent(), { timeout: 20_000 }).toContain('补正');
    const clerk = await ApiClient.login(gd.url, 'clerk');
    expect((await clerk.get(`/api/cases/${caseId}`)).body.case.state).toBe('needs_correction');
    expect((await clerk.get(`/api/review/sessions/${sessionId}`)).body.decision).toMatchObject({
      outcome: 'request_correction',
      decisionId,
    });
    expect(eventsWith(gd, decisionId).length).toBeGreaterThan(0);
    expect(eventsWith(hn, decisionId).length).toBeGreaterThan(0);
  });

  it('the clerk’s case page at gd shows the one-time correction notice of hn’s 补正, and prints it', async () => {
    const desk = await clerkPage.context().newPage();
    await desk.goto(`${gd.url}/cases/${caseId}`);
    const notice = desk.getByTestId('correction-notice');
    await notice.waitFor({ timeout: 15_000 });
    const text = await notice.innerText();
    expect(text).toContain('身份证复印件不清晰，请重新提交');
    expect(text).toContain('王审核（湖南省站点）');
    const print = await desk.request.get(`${gd.url}/api/cases/${caseId}/correction-notice.pdf`);
    expect([print.status(), print.headers()['content-type']]).toEqual([200, 'application/pdf']);
    await desk.close();
  });

  it('audit verify passes at both sites', async () => {
    for (const site of [gd, hn]) {
      const r = await auditVerify(site.dataDir);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
  });
});
