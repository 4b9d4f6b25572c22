import { useEffect, useRef } from 'react';

/**
 * Stops camera/microphone tracks when the component really unmounts. The stop is deferred one
 * tick so React's development double-mount (cleanup + immediate re-setup) does not kill them;
 * `keep` (read at stop time) spares tracks handed over to someone else.
 */
export function useStopOnUnmount(tracks: readonly MediaStreamTrack[], keep: () => boolean = () => false): void {
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    clearTimeout(pending.current);
    return () => {
      pending.current = setTimeout(() => {
        if (!keep()) for (const t of tracks) t.stop();
      }, 0);
    };
  }, [tracks, keep]);
}
