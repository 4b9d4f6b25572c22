import { AppError, type Office, type ServiceItem } from '@tongban/shared';
import { itemForCase, type CaseItemFacts } from '@tongban/shared/catalog/caseItem';
import { siteName } from '@tongban/shared/catalog/sites';
import type { Db } from '../storage/database';
import type { Actor, AuditLedger } from '../audit/AuditLedger';

const OFFICE_COLUMNS = 'id, code, name, kind, province, city, site_id AS siteId, address, phone';

interface ItemRow {
  code: string;
  spec_json: string;
}

/** 事项清单 and offices, read from SQLite (seeded from shared/src/catalog/items.ts). */
export class CatalogService {
  constructor(
    private readonly db: Db,
    private readonly ledger: AuditLedger,
  ) {}

  listItems(): ServiceItem[] {
    return (this.db.prepare('SELECT code, spec_json FROM service_items ORDER BY code').all() as ItemRow[]).map(toItem);
  }

  findItem(code: string): ServiceItem | undefined {
    const row = this.db.prepare('SELECT code, spec_json FROM service_items WHERE code = ?').get(code) as ItemRow | undefined;
    return row ? toItem(row) : undefined;
  }

  /** Throws ITEM_UNKNOWN (400): callers pass codes that came from a request. */
  getItem(code: string): ServiceItem {
    const item = this.findItem(code);
    if (!item) throw new AppError('ITEM_UNKNOWN', { details: { itemCode: code } });
    return item;
  }

  /** The case's item with the slots this case needs (an agent's, another ID document's): see itemForCase. */
  itemForCase(c: CaseItemFacts & { itemCode: string }): ServiceItem {
    return itemForCase(this.getItem(c.itemCode), c);
  }

  listOffices(): Office[] {
    return this.db.prepare(`SELECT ${OFFICE_COLUMNS} FROM offices ORDER BY kind, id`).all() as Office[];
  }

  findOffice(id: string): Office | undefined {
    return this.db.prepare(`SELECT ${OFFICE_COLUMNS} FROM offices WHERE id = ?`).get(id) as Office | undefined;
  }

  getOffice(id: string): Office {
    const office = this.findOffice(id);
    if (!office) throw new AppError('NOT_FOUND', { details: { officeId: id } });
    return office;
  }

  /** The site's name as people read it ("湖南省站点"), from the offices it hosts. */
  siteName(siteId: string): string {
    return siteName(siteId, this.listOffices());
  }

  /** Adds a catalog item with its `seed.item` audit event; runs inside the seeding transaction. */
  seedItem(item: ServiceItem, actor: Actor): void {
    this.db
      .prepare('INSERT INTO service_items (code, name, handling_office_id, spec_json) VALUES (?, ?, ?, ?)')
      .run(item.code, item.name, item.handlingOfficeId, JSON.stringify(item));
    this.ledger.append(actor, 'seed.item', {
      details: { itemCode: item.code, name: item.name, handlingOfficeId: item.handlingOfficeId, materials: item.materials.length },
    });
  }
}

function toItem(row: ItemRow): ServiceItem {
  return JSON.parse(row.spec_json) as ServiceItem;
}
