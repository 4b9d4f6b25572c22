import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { MaterialView, ServiceItem } from '@tongban/shared';
import type { AnnotationView } from '@tongban/shared/annotations/annotations';
import { AnnotationMarks } from '../../features/annotations/AnnotationLayer';
import { AnnotationList } from '../../features/annotations/AnnotationList';
import { formatBytes, localName } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Button } from '../../ui';
import { fitScale, layout, rotate, zoomIn, zoomOut, type Rotation } from './zoom';

function contentUrl(m: MaterialView): string {
  return `/api/cases/${encodeURIComponent(m.caseId)}/materials/${encodeURIComponent(m.id)}/content`;
}

/** Images show as themselves; PDFs as server-rendered page PNGs. */
function pictureUrl(m: MaterialView, page: number): string {
  if (m.mediaType !== 'application/pdf') return contentUrl(m);
  return `/api/cases/${encodeURIComponent(m.caseId)}/materials/${encodeURIComponent(m.id)}/pages/${page}.png`;
}

/** Thumbnails of every received file, and a zoomable, rotatable view of the chosen one, with the marks (批注) of the co-review on it. */
export function MaterialsViewer({
  materials,
  item,
  annotations = [],
}: {
  materials: MaterialView[];
  item: ServiceItem;
  annotations?: AnnotationView[];
}) {
  const { t, lang } = useI18n();
  const [selectedId, setSelectedId] = useState<string | undefined>(materials[0]?.id);
  const selected = materials.find((m) => m.id === selectedId) ?? materials[0];
  const slotName = (code: string) => {
    const spec = item.materials.find((s) => s.code === code);
    return spec ? localName(spec, lang) : code;
  };

  if (materials.length === 0) return <p className="empty">{t('尚未收取任何材料', 'No materials received yet')}</p>;

  return (
    <>
      <ul className="thumbs" aria-label={t('材料缩略图', 'Material thumbnails')}>
        {materials.map((m) => (
          <li key={m.id}>
            <button
              type="button"
              className="thumb"
              aria-pressed={m.id === selected?.id}
              onClick={() => setSelectedId(m.id)}
              title={`${slotName(m.slotCode)} · ${m.fileName}`}
            >
              <img src={pictureUrl(m, 1)} alt="" loading="lazy" />
              <span>{slotName(m.slotCode)}</span>
              <span className="muted">{m.fileName}</span>
              {annotations.some((a) => a.materialId === m.id) && (
                <span className="muted" data-testid="thumb-annotations">
                  {t(
                    `批注 ${annotations.filter((a) => a.materialId === m.id).length} 处`,
                    `${annotations.filter((a) => a.materialId === m.id).length} marks`,
                  )}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {selected && (
        <Picture
          key={selected.id}
          material={selected}
          label={`${slotName(selected.slotCode)} · ${selected.fileName}`}
          marks={annotations.filter((a) => a.materialId === selected.id)}
        />
      )}
    </>
  );
}

/** Inner size of the viewer (a few pixels spare so no scroll bar appears at "fit"). */
function viewerSize(el: HTMLElement | null): { w: number; h: number } {
  return el ? { w: el.clientWidth - 4, h: el.clientHeight - 4 } : { w: 800, h: 500 };
}

function Picture({ material, label, marks }: { material: MaterialView; label: string; marks: AnnotationView[] }) {
  const { t } = useI18n();
  const viewport = useRef<HTMLDivElement>(null);
  const [natural, setNatural] = useState<{ w: number; h: number }>();
  const [scale, setScale] = useState<number | 'fit'>('fit');
  const [rotation, setRotation] = useState<Rotation>(0);
  const [page, setPage] = useState(1);
  const [pageNotice, setPageNotice] = useState('');
  const [failed, setFailed] = useState(false);
  const isPdf = material.mediaType === 'application/pdf';

  const effective = scale === 'fit' ? (natural ? fitScale(natural, rotation, viewerSize(viewport.current)) : 1) : scale;
  const zoomBy = (f: (s: number) => number) => setScale(f(effective));

  // The wheel zooms, as in common image viewers; dragging pans. React's onWheel is passive, so listen natively.
  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      setScale((s) => {
        const current = s === 'fit' ? (natural ? fitScale(natural, rotation, viewerSize(el)) : 1) : s;
        return e.deltaY < 0 ? zoomIn(current) : zoomOut(current);
      });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [natural, rotation]);

  function onKey(e: KeyboardEvent) {
    if (e.key === '+' || e.key === '=') zoomBy(zoomIn);
    else if (e.key === '-' || e.key === '_') zoomBy(zoomOut);
    else if (e.key === '0') setScale('fit');
    else if (e.key === 'r' || e.key === 'R') setRotation(rotate);
    else if (isPdf && e.key === 'PageDown') setPage((p) => p + 1);
    else if (isPdf && e.key === 'PageUp') setPage((p) => Math.max(1, p - 1));
    else return;
    e.preventDefault();
  }

  const drag = useRef<{ x: number; y: number; left: number; top: number } | null>(null);
  const panHandlers = {
    onPointerDown: (e: PointerEvent<HTMLDivElement>) => {
      const el = viewport.current;
      if (!el || e.button !== 0) return;
      drag.current = { x: e.clientX, y: e.clientY, left: el.scrollLeft, top: el.scrollTop };
      el.setPointerCapture(e.pointerId);
    },
    onPointerMove: (e: PointerEvent<HTMLDivElement>) => {
      const el = viewport.current;
      if (!el || !drag.current) return;
      el.scrollLeft = drag.current.left - (e.clientX - drag.current.x);
      el.scrollTop = drag.current.top - (e.clientY - drag.current.y);
    },
    onPointerUp: () => {
      drag.current = null;
    },
  };

  const geometry = natural ? layout(natural, effective, rotation) : undefined;
  // The page picture and the marks over it share one placement: turned and scaled together.
  const placed = geometry
    ? ({
        position: 'absolute',
        left: 0,
        top: 0,
        width: geometry.img.w,
        height: geometry.img.h,
        transform: geometry.transform,
        transformOrigin: '0 0',
      } as const)
    : undefined;

  return (
    <div>
      <div className="viewer-bar" role="toolbar" aria-label={t('查看工具', 'Viewer tools')}>
        <Button onClick={() => zoomBy(zoomOut)} aria-label={t('缩小', 'Zoom out')}>
          −
        </Button>
        <span aria-live="polite" className="mono" style={{ minWidth: '4em', textAlign: 'center' }}>
          {Math.round(effective * 100)}%
        </span>
        <Button onClick={() => zoomBy(zoomIn)} aria-label={t('放大', 'Zoom in')}>
          ＋
        </Button>
        <Button onClick={() => setScale('fit')}>{t('适合窗口', 'Fit')}</Button>
        <Button onClick={() => setScale(1)}>100%</Button>
        <Button onClick={() => setRotation(rotate)}>{t('旋转 90°', 'Rotate 90°')}</Button>
        {isPdf && (
          <>
            <Button onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={page <= 1}>
              {t('上一页', 'Previous page')}
            </Button>
            <span>{t(`第 ${page} 页`, `Page ${page}`)}</span>
            <Button onClick={() => setPage((p) => p + 1)}>{t('下一页', 'Next page')}</Button>
          </>
        )}
        <a href={contentUrl(material)} target="_blank" rel="noreferrer">
          {t('打开原文件', 'Open original')} ({formatBytes(material.size)})
        </a>
      </div>
      {pageNotice && <Alert tone="info">{pageNotice}</Alert>}
      {failed ? (
        <Alert tone="warn" title={t('无法在页面中显示此文件', 'This file cannot be shown here')}>
          <a href={contentUrl(material)} target="_blank" rel="noreferrer">
            {t('点此在新窗口打开原文件', 'Open the original in a new window')}
          </a>
        </Alert>
      ) : (
        <div
          ref={viewport}
          className="viewer"
          tabIndex={0}
          role="region"
          aria-label={t(`${label}（按 + / − 缩放，0 适合窗口，R 旋转）`, `${label} (+ / − to zoom, 0 to fit, R to rotate)`)}
          onKeyDown={onKey}
          {...panHandlers}
        >
          <div style={{ position: 'relative', width: geometry?.box.w, height: geometry?.box.h }}>
            <img
              src={pictureUrl(material, page)}
              alt={label}
              draggable={false}
              onLoad={(e) => {
                setNatural({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight });
                setPageNotice('');
              }}
              onError={() => {
                // Past the last PDF page the server answers 404: step back instead of failing.
                if (isPdf && page > 1) {
                  setPage((p) => p - 1);
                  setPageNotice(t('已是最后一页', 'That was the last page'));
                } else setFailed(true);
              }}
              style={placed ?? { maxWidth: '100%' }}
            />
            {geometry && (
              // The co-review's marks on this page, turned and scaled with the picture.
              <div data-testid="case-annotations-overlay" style={{ ...placed, pointerEvents: 'none' }}>
                <AnnotationMarks marks={marks.filter((m) => m.page === (isPdf ? page : 1))} />
              </div>
            )}
          </div>
        </div>
      )}
      {marks.length > 0 && (
        <section aria-label={t('会审批注', 'Marks from the co-review')}>
          <h4>{t(`会审批注（${marks.length} 处）`, `Marks from the co-review (${marks.length})`)}</h4>
          <AnnotationList marks={marks} {...(isPdf ? { onShow: (m: AnnotationView) => setPage(m.page) } : {})} />
        </section>
      )}
    </div>
  );
}
