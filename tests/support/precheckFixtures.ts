import { idNumberCheckChar, usccCheckChar } from '@tongban/shared';

/** Valid (and deliberately invalid) identity numbers for generated scans. */
export function idNumber(first17: string): string {
  return first17 + idNumberCheckChar(first17);
}
export function wrongCheck(valid: string): string {
  const last = valid.slice(-1);
  return valid.slice(0, -1) + (last === '0' ? '1' : last === 'X' ? '0' : String((Number(last) + 1) % 10));
}
export function uscc(first17: string): string {
  return first17 + usccCheckChar(first17)!;
}

export const CARD_PERSON = {
  name: '张晓明',
  sex: '男' as const,
  ethnicity: '汉',
  birth: '1990-03-07',
  address: '广东省广州市天河区天河路123号华景花园5栋1203房',
  idNumber: idNumber('11010519900307123'),
};
