import type { CaseService } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import type { Config } from '../config/config';
import type { Feature, SiteServices } from '../feature';
import { ReceiptService } from './ReceiptService';
import { createReceiptRoutes } from './receiptRoutes';

export interface ReceiptDeps extends SiteServices {
  cases: CaseService;
  catalog: CatalogService;
  config: Pick<Config, 'PUBLIC_URL'>;
}

/** 收件回执 and the public status page: the query code issued with 受理, the printed receipt, /api/status/:code. */
export interface ReceiptModule extends Feature {
  receipts: ReceiptService;
}

export function createReceiptModule(deps: ReceiptDeps): ReceiptModule {
  const receipts = new ReceiptService(deps);
  return { receipts, routes: () => createReceiptRoutes({ receipts }) };
}
