import { maskIdNumber } from '../validators/idNumber';

export { maskIdNumber };

/** 138****5678 / 0755****5678: keeps enough to confirm with the applicant, not enough to call them. */
export function maskPhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return digits.slice(0, 3) + '*'.repeat(digits.length - 7) + digits.slice(-4);
}
