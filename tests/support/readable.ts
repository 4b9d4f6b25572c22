import { expect } from 'vitest';
import { DEMO_OFFICES } from '@tongban/server/seed/demoOffices';

/**
 * What people read shows China time and names: no UTC ISO stamp (`2026-12-01T20:46:33.887Z`), no
 * office id (`gd-sg-window`) and no bare site id (`gd`, also inside `site:gd`). Case-sensitive: case
 * numbers (`GD-SG-20261201-0001`) and words that merely contain the letters are legitimate.
 */
const UTC_STAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[^\s]*Z/g;
const OFFICE_IDS = DEMO_OFFICES.map((o) => o.id);
const SITE_IDS = [...new Set(DEMO_OFFICES.map((o) => o.siteId))];
const SITE_ID = new RegExp(`(?<![A-Za-z0-9-])(?:${SITE_IDS.join('|')})(?![A-Za-z0-9-])`, 'g');

/** Each leak with a little of the text around it, so a failure shows where it is. */
export function unreadableParts(text: string): string[] {
  const around = (at: number, length: number) => text.slice(Math.max(0, at - 20), at + length + 20).replace(/\s+/g, ' ');
  const found: string[] = [];
  for (const m of text.matchAll(UTC_STAMP)) found.push(`UTC time: …${around(m.index, m[0].length)}…`);
  for (const id of OFFICE_IDS) {
    for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + id.length)) found.push(`office id: …${around(at, id.length)}…`);
  }
  for (const m of text.matchAll(SITE_ID)) found.push(`site id: …${around(m.index, m[0].length)}…`);
  return found;
}

/** Fails when `text` (a page's inner text, a PDF's text, a CSV) shows a UTC stamp or a raw id. */
export function expectReadable(text: string, where: string): void {
  expect(unreadableParts(text), `${where} shows times or ids people should not read`).toEqual([]);
}
