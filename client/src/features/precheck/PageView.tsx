import type { MaterialPrecheckView } from '@tongban/shared/precheck/api';
import type { Bbox } from '@tongban/shared/precheck/types';
import { useI18n } from '../../i18n';

const BOX_COLOURS: Record<string, string> = {
  'box-field': '#1d4ed8',
  'box-finding box-block': '#b91c1c',
  'box-finding box-warn': '#b45309',
  'box-finding box-info': '#475569',
};

/**
 * One page of a material with boxes over it: blue for extracted fields, red/amber for the words a
 * finding is about. The SVG uses the page's pixel size as its viewBox, so boxes scale with the image.
 */
export function PageView({ material, pageIndex, highlight }: { material: MaterialPrecheckView; pageIndex: number; highlight?: string }) {
  const { t } = useI18n();
  const page = material.pages[pageIndex];
  if (!page) return null;
  const fields = material.fields.filter((f) => f.page === pageIndex && f.bbox);
  const findings = material.findings.filter((f) => (f.page ?? 0) === pageIndex && f.bbox && !f.override);
  const rect = (b: Bbox, cls: string, key: string, title: string) => (
    <rect
      key={key}
      className={cls}
      x={b.x0}
      y={b.y0}
      width={b.x1 - b.x0}
      height={b.y1 - b.y0}
      fill="none"
      stroke={BOX_COLOURS[cls] ?? '#1d4ed8'}
      strokeWidth={highlight === key ? 8 : 4}
      vectorEffect="non-scaling-stroke"
      data-highlight={highlight === key || undefined}
    >
      <title>{title}</title>
    </rect>
  );
  return (
    <figure className="precheck-page">
      <div className="precheck-page-frame" style={{ position: 'relative' }}>
        <img
          src={page.imageUrl}
          alt={t(`${material.fileName} 第 ${pageIndex + 1} 页`, `${material.fileName}, page ${pageIndex + 1}`)}
          style={{ width: '100%', display: 'block' }}
        />
        <svg
          viewBox={`0 0 ${page.width} ${page.height}`}
          preserveAspectRatio="none"
          style={{ position: 'absolute', inset: 0, width: '100%', height: '100%' }}
          aria-hidden="true"
        >
          {fields.map((f) => rect(f.bbox!, 'box-field', `field:${f.key}`, `${f.label}: ${f.value}`))}
          {findings.map((f) => rect(f.bbox!, `box-finding box-${f.severity}`, `finding:${f.key}`, t(f.message_zh, f.message_en)))}
        </svg>
      </div>
      <figcaption>
        {t(
          `第 ${pageIndex + 1} 页，共 ${material.pages.length} 页 · ${page.width}×${page.height} 像素${page.dpi ? ` · ${page.dpi} dpi` : ''} · 识别可信度 ${page.meanConfidence}`,
          `Page ${pageIndex + 1} of ${material.pages.length} · ${page.width}×${page.height} px${page.dpi ? ` · ${page.dpi} dpi` : ''} · confidence ${page.meanConfidence}`,
        )}
      </figcaption>
    </figure>
  );
}
