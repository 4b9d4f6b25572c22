import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { getSocket } from '../../api/socket';
import { PRECHECK_EVENTS, type CasePrecheckResponse, type PrecheckDoneEvent, type PrecheckProgressEvent } from '@tongban/shared/precheck/api';

/** The case's pre-check, kept fresh: reloads on `precheck:done`, tracks live progress per material. */
export function usePrecheck(caseId: string, materialsKey: string) {
  const [data, setData] = useState<CasePrecheckResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [progress, setProgress] = useState<Record<string, PrecheckProgressEvent>>({});

  const reload = useCallback(async () => {
    try {
      setData(await api.get<CasePrecheckResponse>(`/api/cases/${encodeURIComponent(caseId)}/precheck`));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [caseId]);

  useEffect(() => {
    void reload();
  }, [reload, materialsKey]);

  useEffect(() => {
    const socket = getSocket();
    const onProgress = (e: PrecheckProgressEvent) => {
      if (e.caseId !== caseId) return;
      setProgress((p) => ({ ...p, [e.materialId]: e }));
    };
    const onDone = (e: PrecheckDoneEvent) => {
      if (e.caseId !== caseId) return;
      setProgress((p) => {
        const { [e.materialId]: _, ...rest } = p;
        return rest;
      });
      void reload();
    };
    socket.on(PRECHECK_EVENTS.progress, onProgress);
    socket.on(PRECHECK_EVENTS.done, onDone);
    return () => {
      socket.off(PRECHECK_EVENTS.progress, onProgress);
      socket.off(PRECHECK_EVENTS.done, onDone);
    };
  }, [caseId, reload]);

  return { data, setData, error, progress, reload };
}
