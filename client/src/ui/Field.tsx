import { useId, type ReactNode } from 'react';

/** Label, hint and error wiring shared by TextField and Select (aria-describedby, aria-invalid). */
export interface FieldChrome {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  required?: boolean;
}

export function useFieldIds() {
  const id = useId();
  return { inputId: `${id}-input`, hintId: `${id}-hint`, errorId: `${id}-error` };
}

export function describedBy(ids: ReturnType<typeof useFieldIds>, chrome: FieldChrome): string | undefined {
  const parts = [chrome.hint ? ids.hintId : null, chrome.error ? ids.errorId : null].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

export function Field({ ids, chrome, children }: { ids: ReturnType<typeof useFieldIds>; chrome: FieldChrome; children: ReactNode }) {
  return (
    <div className={chrome.error ? 'field field-invalid' : 'field'}>
      <label htmlFor={ids.inputId} className="field-label">
        {chrome.label}
        {chrome.required && (
          <span className="field-required" aria-hidden="true">
            *
          </span>
        )}
      </label>
      {children}
      {chrome.hint && (
        <p id={ids.hintId} className="field-hint">
          {chrome.hint}
        </p>
      )}
      {chrome.error && (
        <p id={ids.errorId} className="field-error">
          {chrome.error}
        </p>
      )}
    </div>
  );
}
