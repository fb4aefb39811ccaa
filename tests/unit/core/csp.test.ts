// The policy text: self only, plus clean origins in connect-src; anything that is not exactly an origin stays out.
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isConnectOrigin } from '../../../src/core/csp';

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

describe('contentSecurityPolicy', () => {
  it("is self-only, with no 'unsafe-eval', when nothing is configured", () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(contentSecurityPolicy()).not.toMatch(/'unsafe-eval'|https:(?!\/)|\*/);
  });

  it('adds configured origins to connect-src only, sorted and once each', () => {
    const policy = contentSecurityPolicy(['https://s3.example', 'http://127.0.0.1:9000', 'https://s3.example']);
    const d = directives(policy);
    expect(d.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:9000', 'https://s3.example']);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(policy.match(/s3\.example/g)).toHaveLength(1);
  });

  it('leaves out anything that is not exactly an allowed origin, so nothing can be smuggled into the policy', () => {
    const dirty = [
      "https://a.example; script-src 'unsafe-eval'", 'https://a.example/path', 'https://a.example ', 'http://remote.example',
      'ftp://a.example', '*', "'self'", 'https:', 'data:', 'not a url', 'https://user:pw@a.example', 'HTTPS://A.EXAMPLE',
    ];
    for (const o of dirty) expect(isConnectOrigin(o), o).toBe(false);
    expect(contentSecurityPolicy(dirty)).toBe(contentSecurityPolicy());
    for (const o of ['https://a.example', 'https://a.example:8443', 'http://localhost:9000', 'http://127.0.0.1:1', 'http://[::1]:80']) {
      expect(isConnectOrigin(o), o).toBe(o !== 'http://[::1]:80'); // the default port is not part of an origin
    }
  });
});
