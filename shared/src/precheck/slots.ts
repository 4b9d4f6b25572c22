import type { PrecheckRule } from '../catalog/types';
import type { MaterialSlotRules } from './types';

/** Rules every page gets, whatever the material. */
export const PAGE_RULES: PrecheckRule[] = ['legibility', 'resolution', 'blank-page', 'duplicate-page', 'material-kind'];

/** Document kinds the CLI and tools name directly, as slot rules (the catalog gives these per item). */
export const SLOT_PRESETS = {
  'id-card-front': { kind: 'id-card', rules: [...PAGE_RULES, 'id-card-front'] },
  'id-card-back': { kind: 'id-card', rules: [...PAGE_RULES, 'id-card-back'] },
  'business-licence': { kind: 'business-licence', rules: [...PAGE_RULES, 'business-licence'] },
  'household-register': {
    kind: 'household-register',
    rules: [...PAGE_RULES, 'required-fields'],
    requiredFields: ['姓名', '公民身份号码', '住址'],
  },
  'application-form': { kind: 'application-form', rules: [...PAGE_RULES, 'required-fields'], requiredFields: [] },
} as const satisfies Record<string, MaterialSlotRules>;

export type SlotPreset = keyof typeof SLOT_PRESETS;
