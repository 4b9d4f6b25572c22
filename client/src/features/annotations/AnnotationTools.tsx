import { useId } from 'react';
import { ANNOTATION_KIND_LABELS, ANNOTATION_KINDS, type AnnotationKind } from '@tongban/shared/annotations/annotations';
import { useI18n } from '../../i18n';
import './annotations.css';

/** The drawing tools of the shared viewer: off, or one kind of mark; the note text goes with the next mark (a 便签 needs it). */
export function AnnotationTools({
  tool,
  onTool,
  note,
  onNote,
}: {
  tool: AnnotationKind | null;
  onTool(tool: AnnotationKind | null): void;
  note: string;
  onNote(note: string): void;
}) {
  const { t } = useI18n();
  const ids = useId();
  return (
    <div className="annotation-tools">
      <fieldset>
        <legend className="field-label">{t('批注工具', 'Marking tool')}</legend>
        {[null, ...ANNOTATION_KINDS].map((k) => (
          <label key={k ?? 'off'} className="check-row">
            <input type="radio" name={`${ids}-tool`} checked={tool === k} onChange={() => onTool(k)} />
            {k ? t(ANNOTATION_KIND_LABELS[k].zh, ANNOTATION_KIND_LABELS[k].en) : t('不批注', 'Off')}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${ids}-note`} className="field-label">
          {tool === 'note' ? t('便签内容（必填）', 'Note text (required)') : t('批注说明（可选）', 'Note (optional)')}
        </label>
        <input id={`${ids}-note`} className="input" maxLength={200} value={note} onChange={(e) => onNote(e.target.value)} />
      </div>
    </div>
  );
}
