import { describe, expect, it } from 'vitest';
import { ffmpegArgs, recordingContainer, recordingSdp, type SdpStream } from '@tongban/sfu';

const video: SdpStream = { kind: 'video', port: 41000, rtcpPort: 41001, payloadType: 101, mimeType: 'video/VP8', clockRate: 90000 };
const audio: SdpStream = {
  kind: 'audio',
  port: 41002,
  rtcpPort: 41003,
  payloadType: 100,
  mimeType: 'audio/opus',
  clockRate: 48000,
  channels: 2,
  parameters: { minptime: 10, useinbandfec: 1 },
};

describe('recording SDP for FFmpeg', () => {
  it('describes each stream on its own ports with the payload type mediasoup negotiated', () => {
    const sdp = recordingSdp([video, audio]);
    expect(sdp.split('\r\n')).toEqual([
      'v=0',
      'o=- 0 0 IN IP4 127.0.0.1',
      's=tongban-recording',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=video 41000 RTP/AVP 101',
      'a=rtcp:41001',
      'a=rtpmap:101 VP8/90000',
      'a=recvonly',
      'm=audio 41002 RTP/AVP 100',
      'a=rtcp:41003',
      'a=rtpmap:100 opus/48000/2',
      'a=fmtp:100 minptime=10;useinbandfec=1',
      'a=recvonly',
      '',
    ]);
  });

  it('writes H264 parameters (packetization mode) so FFmpeg can depacketize it', () => {
    const h264: SdpStream = {
      ...video,
      payloadType: 107,
      mimeType: 'video/H264',
      parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
    };
    expect(recordingSdp([h264])).toContain('a=fmtp:107 packetization-mode=1;profile-level-id=42e01f\r\n');
  });

  it('refuses an empty SDP and impossible payload types', () => {
    expect(() => recordingSdp([])).toThrow(RangeError);
    expect(() => recordingSdp([{ ...video, payloadType: 128 }])).toThrow(RangeError);
  });

  it('picks WebM for VP8/VP9/Opus and Matroska for anything else, both without transcoding', () => {
    expect(recordingContainer([video, audio])).toBe('webm');
    expect(recordingContainer([{ mimeType: 'video/H264' }, audio])).toBe('matroska');
    const args = ffmpegArgs({ sdpPath: '/tmp/a.sdp', outputPath: '/tmp/a.webm', container: 'webm', maxSeconds: 3600 });
    expect(args).toEqual(expect.arrayContaining(['-nostdin', '-c', 'copy', '-t', '3600', '-f', 'webm']));
    expect(args.join(' ')).toContain('-protocol_whitelist file,udp,rtp');
    expect(args.join(' ')).toContain('-loglevel error');
  });
});
