/** Determinate progress (0..1) with an accessible name and a visible percentage. */
export function ProgressBar({ value, label, tone = 'info' }: { value: number; label: string; tone?: 'info' | 'ok' | 'block' }) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="progress">
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className={`progress-fill progress-${tone}`} style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text" aria-hidden="true">
        {pct}%
      </span>
    </div>
  );
}
