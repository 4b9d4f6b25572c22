import { z } from 'zod';
import { maskIdNumbersInText } from '../cases/masking';

/**
 * Text typed by people (names, notes, reasons, comments): trimmed, bounded, and free of control
 * characters, which would break audit lines, CSV exports and cover sheets. Bidi overrides are
 * refused too (they make a stored text read differently from what it is); line feeds only where
 * the field is a note (`lines: 'multi'`), with CRLF stored as LF.
 */
export interface TextOptions {
  /** Fewest characters after trimming (default 0). */
  min?: number;
  /** Message when shorter than `min` (a field-specific prompt). */
  minMessage?: string;
  /** 'multi' lets a note keep its line breaks; names and labels are 'single' (the default). */
  lines?: 'single' | 'multi';
}

export const TEXT_CONTROL_MESSAGE = 'text: no control characters (line breaks only in notes)';

// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL_SINGLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
// eslint-disable-next-line no-control-regex -- as above, minus the line feed
const CONTROL_MULTI = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** Trimmed, bounded text without control characters; stored as typed (e.g. a corrected field value, which may be an ID number). */
export function plainText(max: number, opts: TextOptions = {}) {
  const control = opts.lines === 'multi' ? CONTROL_MULTI : CONTROL_SINGLE;
  return z
    .string()
    .transform((s) => (opts.lines === 'multi' ? s.replace(/\r\n/g, '\n') : s).trim())
    .pipe(
      z
        .string()
        .min(opts.min ?? 0, opts.minMessage)
        .max(max)
        .refine((s) => !control.test(s), { message: TEXT_CONTROL_MESSAGE }),
    );
}

/**
 * Free text that ends up in the audit trail and the handoff bag: as plainText, with every
 * ID-number-shaped substring masked before anything stores it.
 */
export function freeText(max: number, opts: TextOptions = {}) {
  return plainText(max, opts).transform(maskIdNumbersInText);
}
