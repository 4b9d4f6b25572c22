import { useCallback, useState } from 'react';
import type { MaterialView, UploadMaterialResponse } from '@tongban/shared';
import { ApiError, upload } from '../../api/client';
import { useI18n } from '../../i18n';
import { fileTypeProblem } from './uploadRules';

export interface SlotUploadState {
  /** The file being sent now, with its progress (0..1). */
  current?: { fileName: string; fraction: number };
  /** Messages from the last batch: errors to act on, dedupe notices. */
  errors: string[];
  notices: string[];
}

const IDLE: SlotUploadState = { errors: [], notices: [] };

/** Uploads files into a case's material slots one after another, tracking progress per slot. */
export function useSlotUploads(caseId: string, onUploaded: (m: MaterialView) => void) {
  const { t, errorText } = useI18n();
  const [bySlot, setBySlot] = useState<Record<string, SlotUploadState>>({});

  const patch = useCallback(
    (slot: string, f: (s: SlotUploadState) => SlotUploadState) => setBySlot((all) => ({ ...all, [slot]: f(all[slot] ?? IDLE) })),
    [],
  );

  /** Sends `files` into the slot; with `replaces`, the one file replaces that scan (which stays in the history). */
  const uploadFiles = useCallback(
    async (slotCode: string, files: File[], replaces?: string) => {
      patch(slotCode, () => IDLE);
      for (const file of files) {
        const problem = fileTypeProblem(file, t);
        if (problem) {
          patch(slotCode, (s) => ({ ...s, errors: [...s.errors, problem] }));
          continue;
        }
        patch(slotCode, (s) => ({ ...s, current: { fileName: file.name, fraction: 0 } }));
        try {
          const r = await upload<UploadMaterialResponse>(
            `/api/cases/${encodeURIComponent(caseId)}/materials/${encodeURIComponent(slotCode)}${replaces ? `?replaces=${encodeURIComponent(replaces)}` : ''}`,
            file,
            file.name,
            (fraction) => patch(slotCode, (s) => ({ ...s, current: { fileName: file.name, fraction } })),
          );
          onUploaded(r.material);
          if (r.deduplicated) {
            patch(slotCode, (s) => ({
              ...s,
              notices: [
                ...s.notices,
                t(
                  `“${file.name}”与已上传的材料内容完全相同，未重复保存。`,
                  `"${file.name}" is identical to a file already uploaded; it was not stored twice.`,
                ),
              ],
            }));
          }
        } catch (e) {
          patch(slotCode, (s) => ({ ...s, errors: [...s.errors, `${file.name}：${uploadErrorText(e, errorText, t)}`] }));
        } finally {
          patch(slotCode, (s) => ({ errors: s.errors, notices: s.notices }));
        }
      }
    },
    [caseId, onUploaded, patch, t, errorText],
  );

  return { bySlot, uploadFiles };
}

/** The server's message, plus what to do next: the size limit, or that a renamed file is not a scan. */
function uploadErrorText(e: unknown, errorText: (e: unknown) => string, t: (zh: string, en: string) => string): string {
  const base = errorText(e);
  if (e instanceof ApiError && e.code === 'UPLOAD_TYPE_REJECTED') {
    return `${base}${t('。文件内容不是真正的图片或 PDF（可能只是改了扩展名），请用扫描仪重新扫描并保存为 PDF 或 JPG。', '. Its content is not a real image or PDF (perhaps only renamed); scan it again and save it as PDF or JPG.')}`;
  }
  if (e instanceof ApiError && e.code === 'UPLOAD_TOO_LARGE') {
    const max = (e.details as { maxBytes?: unknown } | undefined)?.maxBytes;
    if (typeof max === 'number') {
      const mb = Math.round(max / 1024 / 1024);
      return `${base}${t(`（上限 ${mb} MB）`, ` (limit ${mb} MB)`)}`;
    }
  }
  return base;
}
