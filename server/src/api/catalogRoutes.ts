import { Router } from 'express';
import type { CatalogService } from '../catalog/CatalogService';
import { currentUser, route } from './http';

/** 事项清单 and offices: read-only, for any logged-in user. */
export function createCatalogRoutes(ctx: { catalog: CatalogService }): Router {
  const r = Router();
  r.get(
    '/catalog/items',
    route((req, res) => {
      currentUser(req);
      res.json({ items: ctx.catalog.listItems() });
    }),
  );
  r.get(
    '/catalog/items/:code',
    route((req, res) => {
      currentUser(req);
      const item = ctx.catalog.getItem(String(req.params.code));
      res.json({ item, handlingOffice: ctx.catalog.getOffice(item.handlingOfficeId) });
    }),
  );
  r.get(
    '/offices',
    route((req, res) => {
      currentUser(req);
      res.json({ offices: ctx.catalog.listOffices() });
    }),
  );
  return r;
}
