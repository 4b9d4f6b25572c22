import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createPrecheckedCase, requestReview } from '../support/reviewFixtures';

/**
 * A recording whose FFmpeg died with the server (a crash, a power cut) is never stored. At the next
 * start it must be marked failed, with an audit event, so the session's evidence list and the
 * handoff bag say the file is missing instead of waiting for it forever.
 */
let srv: TestServer | undefined;
afterAll(async () => {
  await srv?.stop();
});

describe('recordings interrupted by a server stop', () => {
  it('are marked failed at the next start, with an audit event on the case', async () => {
    srv = await startTestServer({ OCR_WORKERS: 1 }, { keepData: true });
    const clerk = await ApiClient.login(srv.url, 'clerk');
    const { id: caseId } = await createPrecheckedCase(clerk);
    const sessionId = await requestReview(clerk, caseId);
    // What the recording service writes when FFmpeg starts; the process then "dies" with the server.
    srv.ctx.db
      .prepare(
        `INSERT INTO review_recordings (id, session_id, case_id, peer_role, source, tracks, status, started_at)
         VALUES ('rec-interrupted', ?, ?, 'clerk', 'camera', 'audio+video', 'recording', ?)`,
      )
      .run(sessionId, caseId, new Date().toISOString());
    const { dataDir } = srv;
    await srv.stop();

    srv = await startTestServer({ OCR_WORKERS: 0 }, { dataDir });
    const row = srv.ctx.db.prepare("SELECT status, error, ended_at FROM review_recordings WHERE id = 'rec-interrupted'").get() as {
      status: string;
      error: string;
      ended_at: string | null;
    };
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/server stopped/);
    expect(row.ended_at).not.toBeNull();

    const reader = await ApiClient.login(srv.url, 'clerk');
    const events = (await reader.get(`/api/cases/${caseId}/audit`)).body.events as Array<{
      action: string;
      details: Record<string, unknown>;
    }>;
    const failed = events.filter((e) => e.action === 'review.recording_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.details).toMatchObject({ sessionId, recordingId: 'rec-interrupted' });
    expect((await reader.get(`/api/review/sessions/${sessionId}`)).body.recordings).toMatchObject([
      { id: 'rec-interrupted', status: 'failed' },
    ]);
  });
});
