/**
 * @tongban/sfu — the mediasoup layer. Knows rooms and peers, never cases: the
 * server maps a case session to a room id and decides who may join.
 */
export { WorkerPool } from './WorkerPool';
export type {
  WorkerPoolOptions,
  WorkerPoolEvents,
  WorkerStats,
  WorkerDiedEvent,
  WorkerRespawnedEvent,
  WorkerRespawnFailedEvent,
  PortRange,
} from './WorkerPool';
export { Room } from './Room';
export type {
  RoomOptions,
  RoomEvents,
  RoomStats,
  RoomCloseReason,
  TransportDirection,
  WebRtcTransportInfo,
  ConsumerInfo,
  ProducerInfo,
  ProduceOptions,
  PeerRef,
  ConsumerRef,
  ConsumerScoreInfo,
} from './Room';
export { openRecordingTap, type RecordingTarget, type RecordingTap, type RecordingTapStream } from './recording/recordingTap';
export { RoomRecorder } from './recording/RoomRecorder';
export type { RoomRecorderOptions, RoomRecorderEvents, RecordingGroup, RecordingSegment, FinishedSegment } from './recording/RoomRecorder';
export { RecordingPorts } from './recording/RecordingPorts';
export { FfmpegRecorder, ffmpegArgs, type FfmpegExit } from './recording/FfmpegRecorder';
export { probeFfmpeg, type FfmpegProbe } from './recording/ffmpegProbe';
export { recordingSdp, recordingContainer, type SdpStream, type RecordingContainer } from './recording/sdp';
export { SfuError, isSfuError, type SfuErrorCode } from './errors';
export { ROUTER_MEDIA_CODECS } from './codecs';
export { silentLogger, type SfuLogger } from './logger';
/** Path of the mediasoup-worker binary mediasoup will spawn (built by scripts/install/build-mediasoup-worker.sh). */
export { workerBin as mediasoupWorkerBin } from 'mediasoup';
/** mediasoup's own types (RtpParameters, DtlsParameters, …) for callers of this package. */
export type { types as MediasoupTypes } from 'mediasoup';
