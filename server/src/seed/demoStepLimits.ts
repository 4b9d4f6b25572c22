import type { StepOverride } from '@tongban/shared/cases/steps';

/**
 * 环节时限 of the demo catalogue where an item differs from the defaults (shared/src/cases/steps.ts):
 * 营业执照变更 has a 3-working-day 办理时限, so its paper goes the next day; a 驾驶证 result is
 * mailed by the handling office itself, which answers for it.
 */
export const DEMO_ITEM_STEPS: Record<string, StepOverride[]> = {
  'TB-YYZZ-BG': [{ step: 'courier_dispatch', days: 1 }],
  'TB-JSZ-BL': [{ step: 'result_dispatch', side: 'handling' }],
};
