import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import type { MaterialView } from '@tongban/shared';
import type { CasePrecheckResponse, MaterialPrecheckView } from '@tongban/shared/precheck/api';
import type { ViewerState } from '@tongban/shared/signalling/events';
import type { AddAnnotationRequest, AnnotationKind, AnnotationView } from '@tongban/shared/annotations/annotations';
import { useI18n } from '../../i18n';
import { Button, Card, InlineError, Select } from '../../ui';
import { AnnotationMarks, DrawingSurface } from '../annotations/AnnotationLayer';
import { AnnotationList } from '../annotations/AnnotationList';
import { AnnotationTools } from '../annotations/AnnotationTools';
import type { MaterialImages } from './reviewActions';

interface Page {
  url: string;
  width?: number;
  height?: number;
  boxes: Array<{ x0: number; y0: number; x1: number; y1: number; severity: string; text: string }>;
}

/** A material's pages: the pre-check's normalised page images (with finding boxes) when it has them. */
function pagesOf(images: MaterialImages, m: MaterialView, pre: MaterialPrecheckView | undefined, lang: 'zh' | 'en'): Page[] {
  if (pre && pre.pages.length > 0) {
    return pre.pages.map((p) => ({
      url: p.imageUrl,
      width: p.width,
      height: p.height,
      boxes: pre.findings
        .filter((f) => f.bbox && (f.page ?? 0) === p.index)
        .map((f) => ({ ...f.bbox!, severity: f.severity, text: lang === 'zh' ? f.message_zh : f.message_en })),
    }));
  }
  if (m.mediaType === 'application/pdf') return [];
  return [{ url: images.contentPath(m.id), boxes: [] }];
}

/** 批注 in the call: the marks drawn so far (live), and what this desk may do with them. */
export interface ViewerAnnotations {
  marks: AnnotationView[];
  /** The marks this desk drew (it may take those back). */
  own: ReadonlySet<string>;
  add(req: AddAnnotationRequest): Promise<unknown>;
  remove(annotationId: string): Promise<void>;
  /** The reviewer deciding: 转为补正事项. */
  toCorrection?(mark: AnnotationView): void;
  /** Marks already made into a correction item. */
  taken?: ReadonlySet<string>;
}

/**
 * 共享材料查看: the clerk and the reviewer see the same material, page and zoom, and each other's
 * pointer; pre-check findings are outlined on the page, and both desks draw marks (批注) on it that
 * the other sees at once. Applicants do not get this view.
 */
export function SharedMaterialsViewer({
  images,
  materials,
  precheck,
  remote,
  onChange,
  materialTools,
  annotations,
}: {
  images: MaterialImages;
  materials: MaterialView[];
  precheck: CasePrecheckResponse | null;
  remote: (ViewerState & { by: string }) | null;
  onChange(state: ViewerState): void;
  /** What this desk shows and does about the material on view (已核验原件). */
  materialTools?: (m: MaterialView) => ReactNode;
  annotations?: ViewerAnnotations;
}) {
  const { t, lang, errorText } = useI18n();
  const [tool, setTool] = useState<AnnotationKind | null>(null);
  const [note, setNote] = useState('');
  const [drawError, setDrawError] = useState<string | null>(null);
  const [state, setState] = useState<ViewerState>({ materialId: materials[0]?.id ?? null, page: 1, zoom: 1, pointer: null });
  const [remotePointer, setRemotePointer] = useState<ViewerState['pointer']>(null);
  const lastSent = useRef(0);
  const pointerTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(pointerTimer.current), []);

  // Follow the other side. A pointer update still waiting carries the old view: drop it.
  useEffect(() => {
    if (!remote) return;
    clearTimeout(pointerTimer.current);
    setState((s) => ({ ...s, materialId: remote.materialId, page: remote.page, zoom: remote.zoom }));
    setRemotePointer(remote.pointer);
  }, [remote]);

  const send = (next: ViewerState) => {
    clearTimeout(pointerTimer.current);
    lastSent.current = performance.now();
    onChange(next);
  };
  const change = (next: ViewerState) => {
    setState(next);
    send(next);
  };
  const material = materials.find((m) => m.id === state.materialId);
  const pages = material
    ? pagesOf(
        images,
        material,
        precheck?.materials.find((p) => p.materialId === material.id),
        lang,
      )
    : [];
  const page = pages[Math.min(state.page, pages.length) - 1];
  const materialMarks = annotations?.marks.filter((a) => a.materialId === material?.id) ?? [];
  const pageMarks = materialMarks.filter((a) => a.page === state.page);
  const draw = (geometry: AddAnnotationRequest['geometry']) => {
    if (!annotations || !material) return;
    const text = note.trim();
    setDrawError(null);
    if (geometry.kind === 'note' && !text) {
      setDrawError(t('请先填写便签内容，再点击页面放置', 'Type the note first, then click the page to place it'));
      return;
    }
    annotations.add({ materialId: material.id, page: state.page, geometry, ...(text ? { note: text } : {}) }).then(
      () => setNote(''),
      (e: unknown) => setDrawError(errorText(e)),
    );
  };

  // At most ~20 updates a second (smooth enough), but the latest position is always sent last, so
  // the other desk's mark stops where this pointer stopped.
  const movePointer = (e: MouseEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const next = { ...state, pointer: { x: clamp((e.clientX - r.left) / r.width), y: clamp((e.clientY - r.top) / r.height) } };
    clearTimeout(pointerTimer.current);
    pointerTimer.current = setTimeout(() => send(next), Math.max(0, lastSent.current + POINTER_INTERVAL_MS - performance.now()));
  };

  return (
    <Card title={t('共享材料', 'Shared materials')}>
      <div className="viewer-toolbar">
        <Select
          label={t('材料', 'Material')}
          value={state.materialId ?? ''}
          onChange={(e) => change({ ...state, materialId: e.target.value, page: 1 })}
          options={materials.map((m) => ({ value: m.id, label: m.fileName }))}
        />
        <Button disabled={state.page <= 1} onClick={() => change({ ...state, page: state.page - 1 })}>
          {t('上一页', 'Previous')}
        </Button>
        <span data-testid="viewer-page">
          {t(`第 ${state.page} / ${pages.length || 1} 页`, `Page ${state.page} of ${pages.length || 1}`)}
        </span>
        <Button disabled={state.page >= pages.length} onClick={() => change({ ...state, page: state.page + 1 })}>
          {t('下一页', 'Next')}
        </Button>
        <Button onClick={() => change({ ...state, zoom: Math.max(0.25, state.zoom / 1.25) })}>{t('缩小', 'Zoom out')}</Button>
        <span data-testid="viewer-zoom">{Math.round(state.zoom * 100)}%</span>
        <Button onClick={() => change({ ...state, zoom: Math.min(8, state.zoom * 1.25) })}>{t('放大', 'Zoom in')}</Button>
      </div>
      {material && materialTools && <div className="viewer-original-check">{materialTools(material)}</div>}
      {annotations && page && <AnnotationTools tool={tool} onTool={setTool} note={note} onNote={setNote} />}
      {drawError !== null && <InlineError testId="annotation-error">{drawError}</InlineError>}
      {/* The shown view as data, so support tools and tests can compare the two desks. Focusable: a zoomed page scrolls with the keys too. */}
      <div
        className="viewer-scroll"
        tabIndex={0}
        role="region"
        aria-label={t('材料页面', 'Material page')}
        data-testid="shared-viewer"
        data-material-id={state.materialId ?? ''}
        data-page={state.page}
        data-zoom={state.zoom}
      >
        {page ? (
          <div
            className="viewer-page"
            data-testid="viewer-sheet"
            style={{ width: `${state.zoom * 100}%` }}
            onMouseMove={movePointer}
            onMouseLeave={() => send({ ...state, pointer: null })}
          >
            <PageImage path={page.url} images={images} alt={material?.fileName ?? ''} />
            {page.width &&
              page.height &&
              page.boxes.map((b, i) => (
                <div
                  key={i}
                  data-testid="viewer-highlight"
                  className={`viewer-box viewer-box-${b.severity}`}
                  title={b.text}
                  style={{
                    left: pct(b.x0 / page.width!),
                    top: pct(b.y0 / page.height!),
                    width: pct((b.x1 - b.x0) / page.width!),
                    height: pct((b.y1 - b.y0) / page.height!),
                  }}
                />
              ))}
            <AnnotationMarks marks={pageMarks} />
            {annotations && tool && (
              <DrawingSurface tool={tool} label={t('在页面上拖动以批注', 'Drag on the page to mark it')} onDraw={draw} />
            )}
            {remotePointer && (
              <div
                data-testid="viewer-pointer"
                className="viewer-pointer"
                style={{ left: pct(remotePointer.x), top: pct(remotePointer.y) }}
                aria-hidden="true"
              />
            )}
          </div>
        ) : (
          <p className="muted">{t('该材料暂无可显示的页面', 'No pages to show for this material')}</p>
        )}
      </div>
      {annotations && (
        <AnnotationList
          marks={materialMarks}
          own={annotations.own}
          onShow={(m) => change({ ...state, page: m.page })}
          onRemove={(m) => annotations.remove(m.id)}
          {...(annotations.toCorrection ? { onToCorrection: annotations.toCorrection } : {})}
          {...(annotations.taken ? { taken: annotations.taken } : {})}
        />
      )}
    </Card>
  );
}

/** A page as `<img>`: its path itself, or, when `images.read` reads it (a header the path cannot carry), its bytes as a blob: URL. */
function PageImage({ path, images, alt }: { path: string; images: MaterialImages; alt: string }) {
  return images.read ? <BlobImage path={path} read={images.read} alt={alt} /> : <img src={path} alt={alt} />;
}

/** The bytes `read` got for `path`, shown while it is the page (the URL is released when it no longer is). */
function BlobImage({ path, read, alt }: { path: string; read(path: string): Promise<Blob>; alt: string }) {
  const [shown, setShown] = useState<{ path: string; url: string } | null>(null);
  useEffect(() => {
    let url: string | undefined;
    let live = true;
    read(path).then(
      (blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setShown({ path, url });
      },
      () => undefined, // an empty page; the viewer still follows the other desk
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, read]);
  return shown?.path === path ? <img src={shown.url} alt={alt} /> : <div className="viewer-loading" aria-busy="true" />;
}

const POINTER_INTERVAL_MS = 50;
const clamp = (v: number) => Math.min(1, Math.max(0, v));
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
