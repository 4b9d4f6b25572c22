import type { SelectHTMLAttributes } from 'react';
import { describedBy, Field, useFieldIds, type FieldChrome } from './Field';

export interface SelectOption {
  value: string;
  label: string;
}

export type SelectProps = FieldChrome & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & { options: SelectOption[] };

export function Select({ label, hint, error, required, options, className, ...select }: SelectProps) {
  const ids = useFieldIds();
  const chrome = { label, hint, error, required };
  return (
    <Field ids={ids} chrome={chrome}>
      <select
        {...select}
        id={ids.inputId}
        required={required}
        className={['input', className].filter(Boolean).join(' ')}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(ids, chrome)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
