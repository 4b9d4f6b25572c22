import { z } from 'zod';

/** Identifiers and times as they cross between sites (bags, signed site-to-site messages). */

/** A row id of another site (uuid or similar): nothing that could be a path or markup. */
export const recordId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id: 1–64 letters, digits, _ or -');

/** A site (deployment) id, as SITE_ID: `gd`, `hn`. */
export const siteId = z.string().regex(/^[a-z0-9-]{2,32}$/, 'site id: 2–32 lowercase letters, digits or dashes');

export const isoTime = z.iso.datetime({ offset: true });
