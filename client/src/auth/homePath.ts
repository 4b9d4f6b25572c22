import type { PublicUser } from '@tongban/shared';

/** Where `/` and a fresh login take each role. */
export function homePathFor(user: PublicUser): string {
  if (user.role === 'clerk') return '/desk';
  if (user.role === 'reviewer') return '/queue';
  return '/ledger';
}
