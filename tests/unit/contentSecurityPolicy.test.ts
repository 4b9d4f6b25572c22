import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '@tongban/server/api/guards';

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

describe('Content-Security-Policy', () => {
  it('without peer sites: only this site (and data:/blob: images)', () => {
    const d = directives(contentSecurityPolicy({ PEER_SITES: [] }));
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  });

  it('a peer site’s origin over HTTP(S) and WS(S) for calls and grant reads, images from it; the rest as strict', () => {
    const d = directives(
      contentSecurityPolicy({
        PEER_SITES: [
          { id: 'gd', url: 'https://gd.example:8443/' },
          { id: 'sc', url: 'http://127.0.0.1:4001' },
        ],
      }),
    );
    expect(d.get('connect-src')).toEqual([
      "'self'",
      'https://gd.example:8443',
      'http://127.0.0.1:4001',
      'wss://gd.example:8443',
      'ws://127.0.0.1:4001',
    ]);
    expect(d.get('img-src')).toEqual(["'self'", 'data:', 'blob:', 'https://gd.example:8443', 'http://127.0.0.1:4001']);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
  });
});
