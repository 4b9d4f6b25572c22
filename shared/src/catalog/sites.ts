import type { Office } from './types';

/**
 * What people call a site (a deployment, SITE_ID): the provinces of the offices the registry says
 * it hosts, "湖南省站点". Site ids are for machines; a site no office names keeps its id.
 */
export function siteName(siteId: string, offices: ReadonlyArray<Pick<Office, 'siteId' | 'province'>>): string {
  const provinces = [...new Set(offices.filter((o) => o.siteId === siteId).map((o) => o.province))];
  return provinces.length ? `${provinces.join('、')}站点` : `站点 ${siteId}`;
}

/** The audit actor name a peer site acts under at this site (its staff have no accounts here). */
const PEER_SITE_ACTOR_PREFIX = 'site:';

export function peerSiteActorName(siteId: string): string {
  return PEER_SITE_ACTOR_PREFIX + siteId;
}

/** The site id behind a peer-site actor name; undefined for any other actor. */
export function peerSiteOfActor(actorName: string | null): string | undefined {
  return actorName?.startsWith(PEER_SITE_ACTOR_PREFIX) ? actorName.slice(PEER_SITE_ACTOR_PREFIX.length) : undefined;
}
