import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { useCaseChanges } from '../../api/caseChanges';
import { getSocket } from '../../api/socket';
import {
  PRECHECK_EVENTS,
  type CasePrecheckResponse,
  type PrecheckDoneEvent,
  type PrecheckProgressEvent,
} from '@tongban/shared/precheck/api';

/**
 * The case's pre-check, kept fresh: reloads when it changes anywhere (a job's result, a clerk's
 * correction or override — `case:changed` of kind `precheck`, heard by both offices) or the
 * materials do (`materialsKey`), and tracks live progress per material (the intake office only).
 */
export function usePrecheck(caseId: string, materialsKey: string) {
  const [data, setData] = useState<CasePrecheckResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [progress, setProgress] = useState<Record<string, PrecheckProgressEvent>>({});

  // Reloads can overlap (a materials change and a pre-check change close together): the last one asked wins.
  const lastReload = useRef(0);
  const reload = useCallback(async () => {
    const seq = ++lastReload.current;
    try {
      const fresh = await api.get<CasePrecheckResponse>(`/api/cases/${encodeURIComponent(caseId)}/precheck`);
      if (seq !== lastReload.current) return;
      setData(fresh);
      setError(null);
    } catch (e) {
      if (seq === lastReload.current) setError(e);
    }
  }, [caseId]);

  useEffect(() => {
    void reload();
  }, [reload, materialsKey]);

  // Also after a reconnect (null): changes made meanwhile were not pushed.
  useCaseChanges(caseId, (e) => {
    if (!e || e.kinds.includes('precheck')) void reload();
  });

  useEffect(() => {
    const socket = getSocket();
    const onProgress = (e: PrecheckProgressEvent) => {
      if (e.caseId !== caseId) return;
      setProgress((p) => ({ ...p, [e.materialId]: e }));
    };
    // The stored result (or failure) arrives as a `precheck` change right after: that reloads.
    const onDone = (e: PrecheckDoneEvent) => {
      if (e.caseId !== caseId) return;
      setProgress((p) => {
        const { [e.materialId]: _, ...rest } = p;
        return rest;
      });
    };
    socket.on(PRECHECK_EVENTS.progress, onProgress);
    socket.on(PRECHECK_EVENTS.done, onDone);
    return () => {
      socket.off(PRECHECK_EVENTS.progress, onProgress);
      socket.off(PRECHECK_EVENTS.done, onDone);
    };
  }, [caseId]);

  return { data, setData, error, progress, reload };
}
