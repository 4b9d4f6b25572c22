import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Env } from '@tongban/server/config/config';
import { createBagStream, type PayloadFile } from '@tongban/server/handoff/bag/bagWriter';
import { caseBagParts } from '@tongban/server/handoff/caseBag';
import { signRequestHeaders } from '@tongban/server/handoff/siteSigning';
import type { SiteKeyring } from '@tongban/server/handoff/siteKeys';
import { ApiClient, startTestServer, type TestServer, type TestServerOptions } from './testServer';
import { freePort } from './freePort';

/**
 * Two real deployments — Guangdong intake site (gd) and Hunan handling site (hn) — each with its
 * own server, database and signing key, each trusting the other's key as administrators set it
 * up (export a line on one site, trust it on the other). `server` applies to both (e.g. the
 * printed-text recogniser, or keeping the data directories so a site can be restarted); `sites`
 * to one site only (its own clock, its log).
 */
export async function startTwoSites(
  opts: {
    gd?: Partial<Env>;
    hn?: Partial<Env>;
    server?: TestServerOptions;
    sites?: { gd?: TestServerOptions; hn?: TestServerOptions };
  } = {},
): Promise<{ gd: TestServer; hn: TestServer }> {
  const [pg, ph] = [await freePort(), await freePort()];
  const gd = await startTestServer(
    { SITE_ID: 'gd', PORT: pg, PEER_SITES: [{ id: 'hn', url: `http://127.0.0.1:${ph}` }], ...opts.gd },
    { ...opts.server, ...opts.sites?.gd },
  );
  const hn = await startTestServer(
    { SITE_ID: 'hn', PORT: ph, PEER_SITES: [{ id: 'gd', url: `http://127.0.0.1:${pg}` }], ...opts.hn },
    { ...opts.server, ...opts.sites?.hn },
  );
  const gdKey = (await new ApiClient(gd.url).get('/api/handoff/site-key')).body.line as string;
  const hnKey = (await new ApiClient(hn.url).get('/api/handoff/site-key')).body.line as string;
  hn.ctx.handoff.keys.trust(gdKey);
  gd.ctx.handoff.keys.trust(hnKey);
  return { gd, hn };
}

/** POST /api/transfers to `to` as a peer does: the bag as the body, headers signed with `key` for `site`. */
export function postSignedBag(
  to: TestServer,
  bytes: Buffer,
  opts: { key: SiteKeyring; site: string; idempotencyKey: string; now?: Date; signedSha?: string },
) {
  const headers = signRequestHeaders(opts.key.signingKey(), opts.site, {
    method: 'POST',
    path: '/api/transfers',
    bodySha256: opts.signedSha ?? createHash('sha256').update(bytes).digest('hex'),
    idempotencyKey: opts.idempotencyKey,
    now: opts.now ?? new Date(),
  });
  return new ApiClient(to.url).request('POST', '/api/transfers', new Uint8Array(bytes), { ...headers, 'content-type': 'application/zip' });
}

/**
 * A case's bag as `site` would build it, after `edit` changed case.json and the payload — then
 * manifested and signed with the site's own key, as a compromised or buggy sender would do: every
 * checksum and the signature verify, only the contents lie.
 */
export async function forgeCaseBag(
  site: TestServer,
  caseId: string,
  file: string,
  edit: (bag: { caseJson: Record<string, any>; payload: PayloadFile[] }) => void,
): Promise<Buffer> {
  const { ctx } = site;
  const c = ctx.cases.get(caseId);
  const now = new Date();
  const { info, payload, caseJson } = caseBagParts(
    {
      case: c,
      item: ctx.catalog.getItem(c.itemCode),
      offices: { intake: ctx.catalog.getOffice(c.intakeOfficeId), handling: ctx.catalog.getOffice(c.handlingOfficeId) },
      materials: ctx.materials.list(caseId),
      events: ctx.ledger.forCase(caseId),
      evidence: [],
      mode: 'online',
      siteId: ctx.handoff.keys.siteId,
      software: 'forged',
      now,
    },
    ctx.blobs,
  );
  const json: Record<string, any> = structuredClone(caseJson);
  const files = payload.filter((p) => p.path !== 'case.json');
  edit({ caseJson: json, payload: files });
  files.unshift({ path: 'case.json', content: Buffer.from(JSON.stringify(json, null, 2)) });
  const { stream, summary } = createBagStream({ root: c.caseNo, info, payload: files, signer: ctx.handoff.keys.signingKey(), mtime: now });
  await Promise.all([pipeline(stream, fs.createWriteStream(file)), summary]);
  return fs.readFileSync(file);
}

/** POSTs a JSON message to `path` on `to` as a peer does: under a vendor type, headers signed with `key` for `site`. */
export function postSignedJson(
  to: TestServer,
  path: string,
  message: unknown,
  opts: { key: SiteKeyring; site: string; idempotencyKey: string; now?: Date },
) {
  const bytes = Buffer.from(JSON.stringify(message));
  const headers = signRequestHeaders(opts.key.signingKey(), opts.site, {
    method: 'POST',
    path,
    bodySha256: createHash('sha256').update(bytes).digest('hex'),
    idempotencyKey: opts.idempotencyKey,
    now: opts.now ?? new Date(),
  });
  return new ApiClient(to.url).request('POST', path, new Uint8Array(bytes), {
    ...headers,
    'content-type': 'application/vnd.tongban.test+json',
  });
}
