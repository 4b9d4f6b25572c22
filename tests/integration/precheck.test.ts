import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import sharp from 'sharp';
import { renderIdCardBack, renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createCase, ITEM_HN, jpegBytes, upload } from '../support/caseFixtures';
import { CARD_PERSON, wrongCheck } from '../support/precheckFixtures';

/** The pre-check end to end with real OCR (one worker) on generated scans. */

let srv: TestServer;
let clerk: ApiClient;
let reviewer: ApiClient;
let socket: Socket;
const events: Array<{ event: string; payload: any }> = [];
const APPLICANT = { name: CARD_PERSON.name, idNumber: CARD_PERSON.idNumber, phone: '13800138000' };

beforeAll(async () => {
  srv = await startTestServer({ OCR_WORKERS: 1 });
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
  socket = connect(srv.url, { extraHeaders: { cookie: clerk.cookieHeader }, transports: ['websocket'] });
  socket.onAny((event, payload) => events.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
});
afterAll(async () => {
  socket?.close();
  await srv?.stop();
});

async function waitForMaterial(client: ApiClient, caseId: string, materialId: string): Promise<any> {
  for (let i = 0; i < 240; i++) {
    const r = await client.get(`/api/cases/${caseId}/precheck`);
    const m = r.body.materials.find((x: any) => x.materialId === materialId);
    if (m && (m.status === 'done' || m.status === 'failed')) return { summary: r.body, material: m };
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error('pre-check did not finish');
}

describe('pre-check of an ID card with real OCR', () => {
  let caseId: string;
  let front: any;

  it('starts on upload, reports progress over socket.io and reads the fields exactly', async () => {
    caseId = (await createCase(clerk, ITEM_HN, APPLICANT)).id;
    const up = await upload(clerk, caseId, 'ID_CARD_FRONT', await renderIdCardFront(CARD_PERSON), 'front.png');
    expect(up.status).toBe(201);
    const { material } = await waitForMaterial(clerk, caseId, up.body.material.id);
    front = material;
    expect(material.status).toBe('done');
    const fields = Object.fromEntries(material.fields.map((f: any) => [f.key, f]));
    expect(fields.name.value).toBe(CARD_PERSON.name);
    expect(fields.idNumber.value).toBe(CARD_PERSON.idNumber);
    expect(fields.sex.value).toBe('男');
    expect(fields.birth.value).toBe('1990-03-07');
    expect(fields.idNumber.bbox.x1).toBeGreaterThan(fields.idNumber.bbox.x0);
    expect(material.findings.filter((f: any) => f.severity === 'block')).toEqual([]);
    expect(material.verdict).not.toBe('block');

    const mine = events.filter((e) => e.payload?.materialId === up.body.material.id);
    expect(mine.some((e) => e.event === 'precheck:progress' && e.payload.stage === 'recognising')).toBe(true);
    expect(mine.find((e) => e.event === 'precheck:done')?.payload).toMatchObject({ status: 'done', caseId });

    const img = await clerk.get(material.pages[0].imageUrl);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toContain('image/png');
  });

  it('lets the handling office reviewer read the same results, but not change them', async () => {
    const r = await reviewer.get(`/api/cases/${caseId}/precheck`);
    expect(r.status).toBe(200);
    expect(r.body.materials[0].fields).toEqual(front.fields);
    const c = await reviewer.post(`/api/cases/${caseId}/precheck/corrections`, {
      materialId: front.materialId,
      fieldKey: 'name',
      value: '张三',
      reason: '核对原件',
    });
    expect(c.status).toBe(403);
  });

  it('refuses to close the pre-check while required slots are missing', async () => {
    const r = await clerk.post(`/api/cases/${caseId}/precheck/complete`, {});
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('PRECHECK_INCOMPLETE');
    expect(r.body.error.details.missingSlots).toContain('ID_CARD_BACK');
  });

  it('blocks a card with a wrong check digit; an override with a reason resolves it, under audit', async () => {
    const other = (await createCase(clerk, ITEM_HN, APPLICANT)).id;
    const bad = await renderIdCardFront({ ...CARD_PERSON, idNumber: wrongCheck(CARD_PERSON.idNumber) });
    const up = await upload(clerk, other, 'ID_CARD_FRONT', bad, 'bad.png');
    const { material } = await waitForMaterial(clerk, other, up.body.material.id);
    const checksum = material.findings.find((f: any) => f.code === 'ID_NUMBER_CHECKSUM');
    expect(checksum).toMatchObject({ severity: 'block', message_zh: '身份证号码校验位错误，请重新扫描或核对原件', fieldKey: 'idNumber' });
    expect(checksum.bbox).toBeDefined();
    expect(material.verdict).toBe('block');

    const noReason = await clerk.post(`/api/cases/${other}/precheck/overrides`, {
      materialId: material.materialId,
      findingCode: checksum.key,
      reason: '',
    });
    expect(noReason.status).toBe(400);
    const o = await clerk.post(`/api/cases/${other}/precheck/overrides`, {
      materialId: material.materialId,
      findingCode: checksum.key,
      reason: '原件为旧版证件，已人工核验',
    });
    expect(o.status).toBe(200);
    const m = o.body.materials.find((x: any) => x.materialId === material.materialId);
    expect(m.findings.find((f: any) => f.code === 'ID_NUMBER_CHECKSUM').override.reason).toBe('原件为旧版证件，已人工核验');

    const fix = await clerk.post(`/api/cases/${other}/precheck/corrections`, {
      materialId: material.materialId,
      fieldKey: 'idNumber',
      value: CARD_PERSON.idNumber,
      reason: '按原件更正',
    });
    expect(fix.status).toBe(200);
    const fixed = fix.body.materials.find((x: any) => x.materialId === material.materialId);
    expect(fixed.fields.find((f: any) => f.key === 'idNumber')).toMatchObject({ value: CARD_PERSON.idNumber, corrected: true });

    const audit = [...srv.ctx.ledger.all()].filter((e) => e.case_id === other).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['precheck.finding_overridden', 'precheck.field_corrected']));
    const corrected = [...srv.ctx.ledger.all()].find((e) => e.action === 'precheck.field_corrected')!;
    expect(JSON.stringify(corrected.details)).not.toContain(CARD_PERSON.idNumber);

    const exported = srv.ctx.precheck.precheckExport(other);
    expect(JSON.parse(JSON.stringify(exported)).materials[0]).toMatchObject({
      corrections: [expect.objectContaining({ fieldKey: 'idNumber' })],
      overrides: [expect.objectContaining({ reason: '原件为旧版证件，已人工核验' })],
    });
  });

  it('fails a corrupt upload with a clear code and keeps serving other jobs', async () => {
    const other = (await createCase(clerk, ITEM_HN, APPLICANT)).id;
    const corrupt = await upload(clerk, other, 'ID_CARD_FRONT', jpegBytes(4096), 'corrupt.jpg');
    const back = await upload(
      clerk,
      other,
      'ID_CARD_BACK',
      await renderIdCardBack({ authority: '广州市公安局天河分局', validFrom: '2015-03-01', validTo: '2035-03-01' }),
      'back.png',
    );
    const failed = await waitForMaterial(clerk, other, corrupt.body.material.id);
    expect(failed.material.status).toBe('failed');
    expect(failed.material.error.code).toBe('PRECHECK_FILE_CORRUPT');
    const ok = await waitForMaterial(clerk, other, back.body.material.id);
    expect(ok.material.status).toBe('done');
    expect(ok.material.fields.find((f: any) => f.key === 'validTo')?.value).toBe('2035-03-01');
    expect((await clerk.get('/api/health')).body.ocr).toMatchObject({ ready: true, workers: 1 });
  });

  it('crops a document-camera shot (source=camera) to the card before reading it', async () => {
    // The card lying on a dark desk, as a 高拍仪 sees it: 1800×1300, the card (1060×686) off-centre,
    // JPEG at the quality the clerk's browser captures with (CameraCapture: 0.92).
    const card = await renderIdCardFront(CARD_PERSON);
    const photo = await sharp({ create: { width: 1800, height: 1300, channels: 3, background: '#1c1c1c' } })
      .composite([{ input: card, left: 380, top: 290 }])
      .jpeg({ quality: 92 })
      .toBuffer();
    const read = async (source: string) => {
      const id = (await createCase(clerk, ITEM_HN, APPLICANT)).id;
      const up = await upload(clerk, id, 'ID_CARD_FRONT', photo, `${source}.jpg`, source);
      expect(up.status).toBe(201);
      expect(up.body.material.source).toBe(source);
      return (await waitForMaterial(clerk, id, up.body.material.id)).material;
    };
    const camera = await read('camera');
    expect(camera.status).toBe('done');
    // Cropped to the card (plus the renderer's thin scanner margin), not the whole desk.
    expect(camera.pages[0].width).toBeLessThan(1200);
    expect(camera.pages[0].height).toBeLessThan(800);
    // A camera JPEG's 72 dpi tag is not a scan resolution: no dpi, so no LOW_RESOLUTION finding.
    expect(camera.pages[0].dpi).toBeUndefined();
    expect(camera.findings.map((f: any) => f.code)).not.toContain('LOW_RESOLUTION');
    const fields = Object.fromEntries(camera.fields.map((f: any) => [f.key, f.value]));
    expect(fields.name).toBe(CARD_PERSON.name);
    expect(fields.idNumber).toBe(CARD_PERSON.idNumber);
    // The same photo sent as a plain upload keeps the desk: the source is what asks for the crop.
    const plain = await read('upload');
    expect([plain.pages[0].width, plain.pages[0].height]).toEqual([1800, 1300]);
  });
});
