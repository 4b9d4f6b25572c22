export const ROLES = ['clerk', 'reviewer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Anyone who acts on a case; applicants act only through a one-time token. */
export type ActorRole = Role | 'applicant' | 'system' | 'peer-site';

export const OFFICE_KINDS = ['intake', 'handling'] as const;
export type OfficeKind = (typeof OFFICE_KINDS)[number];
