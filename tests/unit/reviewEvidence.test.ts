import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewExport, ReviewRecordingView } from '@tongban/shared/review/session';
import type { PayloadFile } from '@tongban/server/handoff/bag/bagWriter';
import { HandoffEvidence, reviewEvidence } from '@tongban/server/handoff/evidence';
import { FsBlobStore } from '@tongban/server/storage/FsBlobStore';

/**
 * The review evidence of a handoff bag (data/review/): review.json lists the snapshots and the
 * stored recordings, each carried byte for byte from a real blob store; failed or unfinished
 * recordings stay out and are counted.
 */
let dir: string;
let blobs: FsBlobStore;

/** Deterministic bytes that are not all alike (a recording of a few MB, a small JPEG). */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 2654435761 + seed) >>> 24;
  return b;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function drain(f: PayloadFile): Promise<Buffer> {
  if ('content' in f) return f.content;
  const chunks: Buffer[] = [];
  for await (const c of f.open()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const camera = bytes(3 * 1024 * 1024 + 17, 1);
const documentCam = bytes(200_000, 2);
const snapshot = bytes(40_000, 3);

const recording = (over: Partial<ReviewRecordingView> & Pick<ReviewRecordingView, 'id' | 'status'>): ReviewRecordingView => ({
  role: 'clerk',
  source: 'camera',
  tracks: 'audio+video',
  startedAt: '2025-03-01T02:00:00.000Z',
  ...over,
});

function exportWith(recordings: ReviewRecordingView[]): ReviewExport {
  return {
    sessionId: 's-1',
    caseNo: 'GD-SG-20250301-0001',
    checks: [],
    decision: { outcome: 'accept', decidedBy: 'u-r', decidedByName: '审核员', decidedAt: '2025-03-01T02:10:00.000Z' },
    snapshots: [
      {
        id: 'snap-1',
        sha256: sha(snapshot),
        label: 'id_card',
        width: 640,
        height: 480,
        takenBy: '审核员',
        takenAt: '2025-03-01T02:03:00.000Z',
      },
    ],
    recordings,
  };
}

const stored = [
  recording({
    id: 'aaaaaaaa-1111-4000-8000-000000000001',
    status: 'stored',
    endedAt: '2025-03-01T02:10:01.000Z',
    sha256: sha(camera),
    mediaType: 'video/webm',
    size: camera.length,
    durationSeconds: 601.2,
  }),
  recording({ id: 'bbbbbbbb-2222-4000-8000-000000000002', role: 'reviewer', status: 'failed', endedAt: '2025-03-01T02:04:00.000Z' }),
  recording({
    id: 'cccccccc-3333-4000-8000-000000000003',
    source: 'document',
    tracks: 'video',
    status: 'stored',
    endedAt: '2025-03-01T02:10:01.000Z',
    sha256: sha(documentCam),
    mediaType: 'video/x-matroska',
    size: documentCam.length,
    durationSeconds: 598,
  }),
  recording({ id: 'dddddddd-4444-4000-8000-000000000004', role: 'reviewer', status: 'failed', endedAt: '2025-03-01T02:06:00.000Z' }),
  recording({ id: 'eeeeeeee-5555-4000-8000-000000000005', role: 'applicant', status: 'recording' }),
];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-evidence-'));
  blobs = new FsBlobStore(dir, { record: () => undefined });
  for (const b of [camera, documentCam, snapshot]) await blobs.put(Readable.from([b]));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('review evidence in the handoff bag', () => {
  it('carries the stored recordings byte for byte as streams, lists them in review.json, and counts the failed and unfinished ones', async () => {
    const files = await reviewEvidence(() => exportWith(stored), blobs)('case-1');
    expect(files.map((f) => f.path)).toEqual([
      'review.json',
      'snapshots/01-snap-1.jpg',
      'recordings/01-clerk-camera-aaaaaaaa.webm',
      'recordings/02-clerk-document-cccccccc.mkv',
    ]);

    // Blob files are streamed from the store when the writer reaches them, with the stored size declared.
    const [, snap, cam, doc] = files;
    for (const [f, expected] of [
      [snap!, snapshot],
      [cam!, camera],
      [doc!, documentCam],
    ] as const) {
      expect('open' in f && f.size).toBe(expected.length);
      expect(sha(await drain(f))).toBe(sha(expected));
    }

    const review = JSON.parse((await drain(files[0]!)).toString('utf8')) as Record<string, unknown>;
    expect(review['recordings']).toEqual([
      {
        id: 'aaaaaaaa-1111-4000-8000-000000000001',
        role: 'clerk',
        source: 'camera',
        tracks: 'audio+video',
        startedAt: '2025-03-01T02:00:00.000Z',
        endedAt: '2025-03-01T02:10:01.000Z',
        sha256: sha(camera),
        mediaType: 'video/webm',
        size: camera.length,
        durationSeconds: 601.2,
        file: 'recordings/01-clerk-camera-aaaaaaaa.webm',
      },
      {
        id: 'cccccccc-3333-4000-8000-000000000003',
        role: 'clerk',
        source: 'document',
        tracks: 'video',
        startedAt: '2025-03-01T02:00:00.000Z',
        endedAt: '2025-03-01T02:10:01.000Z',
        sha256: sha(documentCam),
        mediaType: 'video/x-matroska',
        size: documentCam.length,
        durationSeconds: 598,
        file: 'recordings/02-clerk-document-cccccccc.mkv',
      },
    ]);
    expect(review['recordingsFailed']).toBe(2);
    expect(review['recordingsUnfinished']).toBe(1);
    expect(review['snapshots']).toEqual([
      expect.objectContaining({ id: 'snap-1', file: 'snapshots/01-snap-1.jpg', size: snapshot.length }),
    ]);
    expect(review['decision']).toMatchObject({ outcome: 'accept' });
  });

  it('a session without recordings: an empty list and no missing-recording counts', async () => {
    const files = await reviewEvidence(() => exportWith([]), blobs)('case-1');
    expect(files.map((f) => f.path)).toEqual(['review.json', 'snapshots/01-snap-1.jpg']);
    const review = JSON.parse((await drain(files[0]!)).toString('utf8')) as Record<string, unknown>;
    expect(review['recordings']).toEqual([]);
    expect(review).not.toHaveProperty('recordingsFailed');
    expect(review).not.toHaveProperty('recordingsUnfinished');
  });

  it('lands under data/review/ in the bag; a case without a decided session has no review folder', async () => {
    const evidence = new HandoffEvidence();
    evidence.provide(
      'review',
      reviewEvidence((caseId) => (caseId === 'case-1' ? exportWith(stored) : null), blobs),
    );
    expect((await evidence.collect('case-1')).map((f) => f.path)).toEqual([
      'review/review.json',
      'review/snapshots/01-snap-1.jpg',
      'review/recordings/01-clerk-camera-aaaaaaaa.webm',
      'review/recordings/02-clerk-document-cccccccc.mkv',
    ]);
    expect(await evidence.collect('case-2')).toEqual([]);
  });

  it('a recording whose blob is gone fails the bag instead of leaving it out silently', async () => {
    const lost = recording({ id: 'ffffffff-6666', status: 'stored', sha256: sha(Buffer.from('never stored')), size: 12 });
    await expect(reviewEvidence(() => exportWith([lost]), blobs)('case-1')).rejects.toThrow(/ENOENT/);
  });
});
