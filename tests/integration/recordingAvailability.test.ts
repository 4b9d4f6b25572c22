import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createPrecheckedCase, openActiveSession, sfuTestConfig } from '../support/reviewFixtures';

/** Recording needs FFmpeg at run time: a site without it says so and never offers recording. */
describe('recording availability', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ ...sfuTestConfig(44400), OCR_WORKERS: 1, FFMPEG_PATH: '/nonexistent/ffmpeg' });
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('health shows recording unavailable with the reason; consent to recording is refused, other consent works', async () => {
    const health = await new ApiClient(srv.url).get('/api/health');
    expect(health.body.recording).toEqual({ available: false, reason: 'ffmpeg_missing', detail: '/nonexistent/ffmpeg not found' });

    const clerk = await ApiClient.login(srv.url, 'clerk');
    const reviewer = await ApiClient.login(srv.url, 'reviewer');
    const c = await createPrecheckedCase(clerk);
    const sid = await openActiveSession(clerk, reviewer, c.id);
    const view = await reviewer.get(`/api/review/sessions/${sid}`);
    expect(view.body.recordingAvailability).toMatchObject({ available: false, reason: 'ffmpeg_missing' });

    const refused = await reviewer.post(`/api/review/sessions/${sid}/consent`, { recordingAllowed: true, snapshotsAllowed: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('REVIEW_RECORDING_UNAVAILABLE');
    expect(refused.body.error.message_zh).toContain('FFmpeg');
    const audit = await reviewer.get(`/api/cases/${c.id}/audit`);
    expect(JSON.stringify(audit.body)).not.toContain('review.consent_recorded');

    const ok = await reviewer.post(`/api/review/sessions/${sid}/consent`, { recordingAllowed: false, snapshotsAllowed: true });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ recording: false, consent: { recordingAllowed: false } });
  });

  it('with FFmpeg present, health names its version', async () => {
    const other = await startTestServer();
    try {
      const health = await new ApiClient(other.url).get('/api/health');
      expect(health.body.recording).toMatchObject({ available: true, ffmpegVersion: expect.stringMatching(/^\d+\.\d+/) });
    } finally {
      await other.stop();
    }
  });

  it('RECORDING_ENABLED=false reads as disabled', async () => {
    const off = await startTestServer({ RECORDING_ENABLED: false });
    try {
      expect((await new ApiClient(off.url).get('/api/health')).body.recording).toEqual({ available: false, reason: 'disabled' });
    } finally {
      await off.stop();
    }
  });
});
