import type { ReactNode } from 'react';

/** One headline figure in a `stat-grid`: the number large, what it counts below. `alarm` shows it in the blocking colour. */
export function Stat({ value, label, alarm = false }: { value: ReactNode; label: string; alarm?: boolean }) {
  return (
    <div className="stat">
      <div className="stat-value" style={alarm ? { color: 'var(--block-fg)' } : undefined}>
        {value}
      </div>
      <div className="stat-label">{label}</div>
    </div>
  );
}
