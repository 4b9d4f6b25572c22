/**
 * The SDP FFmpeg reads to receive RTP from mediasoup PlainTransports. Pure: what mediasoup
 * negotiated goes in, text comes out.
 */

/** One RTP stream as mediasoup sends it to FFmpeg (one PlainTransport per stream, RTCP on its own port). */
export interface SdpStream {
  kind: 'audio' | 'video';
  /** UDP port FFmpeg receives RTP on. */
  port: number;
  /** UDP port FFmpeg receives RTCP on (sender reports: what lines audio up with video). */
  rtcpPort: number;
  payloadType: number;
  /** mediasoup's mime type, e.g. 'video/VP8', 'audio/opus'. */
  mimeType: string;
  clockRate: number;
  channels?: number;
  /** Codec parameters, written as the fmtp line (e.g. H264 packetization-mode). */
  parameters?: Record<string, unknown>;
}

export type RecordingContainer = 'webm' | 'matroska';

/** Codecs WebM may carry; anything else (H264 from some tablets) goes into Matroska, still without transcoding. */
const WEBM_CODECS = new Set(['video/vp8', 'video/vp9', 'audio/opus']);

export function recordingContainer(streams: readonly Pick<SdpStream, 'mimeType'>[]): RecordingContainer {
  return streams.every((s) => WEBM_CODECS.has(s.mimeType.toLowerCase())) ? 'webm' : 'matroska';
}

export function recordingSdp(streams: readonly SdpStream[], ip = '127.0.0.1'): string {
  if (streams.length === 0) throw new RangeError('an SDP needs at least one stream');
  const family = ip.includes(':') ? 'IP6' : 'IP4';
  const lines = ['v=0', `o=- 0 0 IN ${family} ${ip}`, 's=tongban-recording', `c=IN ${family} ${ip}`, 't=0 0'];
  for (const s of streams) {
    const codec = s.mimeType.split('/')[1];
    if (!codec || !Number.isInteger(s.payloadType) || s.payloadType < 0 || s.payloadType > 127) {
      throw new RangeError(`bad stream: ${s.mimeType} pt ${s.payloadType}`);
    }
    const channels = s.kind === 'audio' && s.channels && s.channels > 1 ? `/${s.channels}` : '';
    lines.push(`m=${s.kind} ${s.port} RTP/AVP ${s.payloadType}`, `a=rtcp:${s.rtcpPort}`);
    lines.push(`a=rtpmap:${s.payloadType} ${codec}/${s.clockRate}${channels}`);
    const fmtp = Object.entries(s.parameters ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(';');
    if (fmtp) lines.push(`a=fmtp:${s.payloadType} ${fmtp}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}
