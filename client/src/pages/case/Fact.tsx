import type { ReactNode } from 'react';

/** One label and value of the case's facts list (a group of the <dl>). */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
