import { forwardRef, useId, type ReactNode } from 'react';

/**
 * A part of the case page that opens on demand: the heading is a disclosure button (the WAI-ARIA
 * pattern), and a closed section renders nothing of its body, so its panel neither loads nor
 * polls until someone opens it.
 */
export const CaseSection = forwardRef<
  HTMLButtonElement,
  { title: string; summary?: ReactNode; open: boolean; onToggle: () => void; children: ReactNode; name: string }
>(function CaseSection({ title, summary, open, onToggle, children, name }, toggleRef) {
  const bodyId = useId();
  const headingId = useId();
  return (
    <section className="card case-section" aria-labelledby={headingId} data-section={name}>
      <h2 className="case-section-head" id={headingId}>
        <button
          ref={toggleRef}
          type="button"
          className="case-section-toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={onToggle}
        >
          <span className="case-section-mark" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          <span className="case-section-title">{title}</span>
          {summary != null && <span className="case-section-summary">{summary}</span>}
        </button>
      </h2>
      <div id={bodyId} className="case-section-body" hidden={!open}>
        {open && children}
      </div>
    </section>
  );
});
