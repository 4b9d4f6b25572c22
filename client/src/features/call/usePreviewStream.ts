import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeMediaError, watchMicLevel, type MediaProblem } from './devices';
import { useStopOnUnmount } from './useStopOnUnmount';

/**
 * A camera-and-microphone preview before a call: opens with `openStream` (again whenever it
 * changes, stopping the old tracks), says what went wrong in plain words, follows the microphone
 * level, and stops the tracks on leaving unless they were handed over to the call.
 */
export function usePreviewStream(openStream: () => Promise<MediaStream>) {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [level, setLevel] = useState(0);
  const handedOver = useRef(false);

  const open = useCallback(async () => {
    setProblem(null);
    try {
      const s = await openStream();
      setStream((old) => {
        for (const tr of old?.getTracks() ?? []) tr.stop();
        return s;
      });
    } catch (e) {
      setProblem(describeMediaError(e));
    }
  }, [openStream]);

  useEffect(() => {
    void open();
  }, [open]);

  useEffect(() => (stream ? watchMicLevel(stream, setLevel) : undefined), [stream]);

  const tracks = useMemo(() => stream?.getTracks() ?? [], [stream]);
  const keep = useCallback(() => handedOver.current, []);
  useStopOnUnmount(tracks, keep);

  /** The tracks now belong to the call: leaving this screen no longer stops them. */
  const handOver = useCallback(() => {
    handedOver.current = true;
  }, []);

  return { stream, problem, setProblem, level, open, handOver };
}
