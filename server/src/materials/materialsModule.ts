import { createMaterialRoutes } from '../api/materialRoutes';
import type { Feature } from '../feature';
import { MaterialService, type MaterialServiceDeps } from './MaterialService';

/** Received scans; `materials.onUploaded` is how the pre-check hears of a new page. */
export interface MaterialsModule extends Feature {
  materials: MaterialService;
}

export function createMaterialsModule(deps: MaterialServiceDeps): MaterialsModule {
  const materials = new MaterialService(deps);
  return { materials, routes: () => createMaterialRoutes({ materials }) };
}
