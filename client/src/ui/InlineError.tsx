import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A problem shown right beside the control that caused it (where the eye already is), scrolled
 * into view and announced at once; give the control `aria-describedby={id}` so it is read with it.
 */
export function InlineError({ id, testId, children }: { id?: string; testId?: string; children: ReactNode }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  return (
    <p ref={ref} id={id} className="inline-error" role="alert" data-testid={testId}>
      {children}
    </p>
  );
}
