import type { InputHTMLAttributes } from 'react';
import { describedBy, Field, useFieldIds, type FieldChrome } from './Field';

export type TextFieldProps = FieldChrome & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>;

export function TextField({ label, hint, error, required, className, ...input }: TextFieldProps) {
  const ids = useFieldIds();
  const chrome = { label, hint, error, required };
  return (
    <Field ids={ids} chrome={chrome}>
      <input
        {...input}
        id={ids.inputId}
        required={required}
        className={['input', className].filter(Boolean).join(' ')}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(ids, chrome)}
      />
    </Field>
  );
}
