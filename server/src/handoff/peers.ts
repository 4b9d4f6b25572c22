import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { AppError, isAppError, type Office } from '@tongban/shared';
import { peerSiteActorName } from '@tongban/shared/catalog/sites';
import type { PeerSite } from '../config/config';
import type { Actor } from '../audit/AuditLedger';
import { signRequestHeaders, verifyRequestHeaders, type VerifiedRequest } from './siteSigning';
import type { SiteKeyring } from './siteKeys';

/** Where the office registry (the catalogue's office rows) says each office is hosted. */
export interface OfficeSites {
  findOffice(id: string): Pick<Office, 'siteId'> | undefined;
}

/**
 * The other deployments this site talks to. An office belongs to the site the office registry
 * names for it (every site seeds the same registry); a case received from a peer goes back to its
 * `source_site`.
 */
export class PeerSites {
  constructor(
    private readonly peers: PeerSite[],
    private readonly keys: SiteKeyring,
    private readonly offices: OfficeSites,
    private readonly now: () => Date,
  ) {}

  /** The peer hosting the office; undefined for an unknown office or one of this site's own. */
  forOffice(officeId: string): PeerSite | undefined {
    const site = this.offices.findOffice(officeId)?.siteId;
    return site === undefined ? undefined : this.peers.find((p) => p.id === site);
  }

  byId(site: string): PeerSite {
    const peer = this.peers.find((p) => p.id === site);
    if (!peer) throw new AppError('PEER_SITE_UNKNOWN', { details: { site } });
    return peer;
  }

  /** The actor recorded for what a peer site did here (its own staff are not accounts here). */
  static actor(site: string): Actor {
    return { id: null, name: peerSiteActorName(site), role: 'peer-site', officeId: null };
  }

  verifyIncoming(headers: IncomingHttpHeaders, method: string, path: string): VerifiedRequest {
    return verifyRequestHeaders(headers, method, path, this.keys.trustedKeys(), this.now());
  }

  /** A signed POST's JSON body (at most `maxBytes`), once the signature verifies and the bytes match its digest. */
  async receiveJson(
    headers: IncomingHttpHeaders,
    body: AsyncIterable<unknown>,
    path: string,
    maxBytes: number,
  ): Promise<{ request: VerifiedRequest; json: unknown }> {
    const request = this.verifyIncoming(headers, 'POST', path);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new AppError('UPLOAD_TOO_LARGE', { details: { maxBytes } });
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);
    if (createHash('sha256').update(raw).digest('hex') !== request.bodySha256) throw new AppError('TRANSFER_BODY_MISMATCH');
    try {
      return { request, json: JSON.parse(raw.toString('utf8')) };
    } catch {
      throw new AppError('MALFORMED_JSON');
    }
  }

  /**
   * POSTs a signed body to a peer and returns its JSON answer. Network failures (and an abort by
   * `signal`) become PEER_SITE_UNREACHABLE; a refusal keeps the peer's own code in `details.peerError`.
   */
  async post(
    peer: PeerSite,
    path: string,
    body: { sha256: string; contentType: string; open: () => Readable },
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const headers = {
      'content-type': body.contentType,
      ...signRequestHeaders(this.keys.signingKey(), this.keys.siteId, {
        method: 'POST',
        path,
        bodySha256: body.sha256,
        idempotencyKey,
        now: this.now(),
      }),
    };
    let res: Response;
    try {
      res = await fetch(`${peer.url}${path}`, {
        method: 'POST',
        headers,
        body: Readable.toWeb(body.open()) as ReadableStream,
        duplex: 'half',
        ...(signal ? { signal } : {}),
      } as RequestInit);
    } catch (e) {
      throw new AppError('PEER_SITE_UNREACHABLE', { details: { site: peer.id, reason: (e as Error).message } });
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const peerError = (parsed as { error?: { code?: string; message_zh?: string; message_en?: string; details?: unknown } } | undefined)
        ?.error;
      throw new AppError('PEER_SITE_REFUSED', {
        details: { site: peer.id, status: res.status, peerError: peerError ?? text.slice(0, 500) },
        zh: `对方站点拒收：${peerError?.message_zh ?? res.status}`,
        en: `The peer site refused: ${peerError?.message_en ?? res.status}`,
      });
    }
    return parsed;
  }
}

export function describeError(e: unknown): string {
  return isAppError(e) ? `${e.code}: ${e.message_zh}` : (e as Error).message;
}
