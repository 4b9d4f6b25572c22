import { useEffect, useId, useRef, useState } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartDataset } from 'chart.js';
import { useI18n } from '../i18n';
import { Button, useDisplayPrefs } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Colours that stay apart for colour-blind readers (Okabe–Ito). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999', '#882255', '#44AA99'];

export interface FigureSeries {
  label: string;
  values: Array<number | null>;
}

/**
 * One figure of the dashboard: a bar chart (bundled chart.js, drawn in the browser) with the same
 * numbers as a table a screen reader or a large-text reader can use instead, and a CSV export of
 * that table. `stacked` stacks the series (cases by state over days).
 */
export function ChartFigure({
  title,
  summary,
  categories,
  series,
  stacked = false,
  csvName,
  format = (v) => String(v),
}: {
  title: string;
  /** One sentence saying what the chart shows: the canvas's accessible name. */
  summary: string;
  categories: string[];
  series: FigureSeries[];
  stacked?: boolean;
  csvName: string;
  format?: (v: number) => string;
}) {
  const { t } = useI18n();
  const { largeText } = useDisplayPrefs();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [asTable, setAsTable] = useState(false);
  const headingId = useId();

  useEffect(() => {
    if (asTable || !canvas.current) return;
    const datasets: ChartDataset<'bar', Array<number | null>>[] = series.map((s, i) => ({
      label: s.label,
      data: s.values,
      backgroundColor: PALETTE[i % PALETTE.length],
    }));
    const font = { size: largeText ? 18 : 12 };
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels: categories, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { labels: { font } }, tooltip: { bodyFont: font, titleFont: font } },
        scales: {
          x: { stacked, ticks: { font } },
          y: { stacked, beginAtZero: true, ticks: { font } },
        },
      },
    });
    return () => chart.destroy();
  }, [asTable, categories, series, stacked, largeText]);

  const exportCsv = () => {
    const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = [
      [t('类别', 'Category'), ...series.map((s) => s.label)],
      ...categories.map((c, i) => [c, ...series.map((s) => (s.values[i] === null ? '' : String(s.values[i])))]),
    ];
    // A BOM so Excel opens the Chinese headers as UTF-8.
    const blob = new Blob([`\ufeff${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${csvName}.csv`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  return (
    <section className="chart-figure" aria-labelledby={headingId}>
      <div className="chart-figure-head">
        <h3 id={headingId}>{title}</h3>
        <Button onClick={() => setAsTable((v) => !v)} aria-pressed={asTable}>
          {t('表格视图', 'Table view')}
        </Button>
        <Button onClick={exportCsv}>{t('导出 CSV', 'Export CSV')}</Button>
      </div>
      {asTable ? (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">{summary}</caption>
            <thead>
              <tr>
                <th scope="col">{t('类别', 'Category')}</th>
                {series.map((s) => (
                  <th key={s.label} scope="col">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {categories.map((c, i) => (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  {series.map((s) => (
                    <td key={s.label}>{s.values[i] === null ? '—' : format(s.values[i]!)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div className="chart-figure-canvas">
          <canvas ref={canvas} role="img" aria-label={summary} />
        </div>
      )}
    </section>
  );
}
