import type { ReactNode } from 'react';
import type { Tone } from './Badge';

/** An inline message. Errors and warnings are announced at once (role=alert), others politely. */
export function Alert({ tone, title, children }: { tone: Tone; title?: ReactNode; children?: ReactNode }) {
  const urgent = tone === 'block' || tone === 'warn';
  return (
    <div className={`alert alert-${tone}`} role={urgent ? 'alert' : 'status'}>
      {title && <strong className="alert-title">{title}</strong>}
      {children && <div>{children}</div>}
    </div>
  );
}
