/**
 * What one participant publishes, in one place: the browser encodes with these figures, and the
 * SFU's cap on what one send transport may push is derived from them. A cap below what a desk
 * publishes (the clerk: camera and document camera) keeps the camera's largest simulcast layer off,
 * and a snapshot waiting for its full resolution then waits in vain.
 */

/** The camera in three simulcast layers (a quarter, a half and its full size), smallest first. */
export const CAMERA_LAYERS = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
] as const;

const CAMERA_BITRATE = CAMERA_LAYERS.reduce((sum, layer) => sum + layer.maxBitrate, 0);

/** The document camera is for reading paper: one full-resolution layer. */
export const DOCUMENT_MAX_BITRATE = 1_500_000;

/** Opus speech at its default rate, with its RTP headers. */
const MICROPHONE_BITRATE = 64_000;

/** Retransmissions, RTCP and header extensions on top of the encoders' rates. */
const TRANSPORT_OVERHEAD = 1.2;

/** The most one participant's send transport carries: camera, document camera and microphone. */
export const MAX_PUBLISHED_BITRATE = Math.ceil((CAMERA_BITRATE + DOCUMENT_MAX_BITRATE + MICROPHONE_BITRATE) * TRANSPORT_OVERHEAD);
