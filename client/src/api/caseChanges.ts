import { useEffect, useRef } from 'react';
import { CASE_CHANGED_EVENT, CaseChangedEventSchema, type CaseChangedEvent } from '@tongban/shared/cases/caseEvents';
import { getSocket } from './socket';

/**
 * Calls `onChange` when someone (anyone, this user included) changes the case: the server pushes
 * `case:changed` once the change has committed. Whenever the socket (re)connects it is called with
 * null: changes made while it was down were not pushed, so reload to catch up.
 */
export function useCaseChanges(caseId: string, onChange: (e: CaseChangedEvent | null) => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });

  useEffect(() => {
    const socket = getSocket();
    const onEvent = (raw: unknown) => {
      const e = CaseChangedEventSchema.safeParse(raw);
      if (e.success && e.data.caseId === caseId) latest.current(e.data);
    };
    const onConnect = () => latest.current(null);
    socket.on(CASE_CHANGED_EVENT, onEvent);
    socket.on('connect', onConnect);
    return () => {
      socket.off(CASE_CHANGED_EVENT, onEvent);
      socket.off('connect', onConnect);
    };
  }, [caseId]);
}
