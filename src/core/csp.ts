// The app's Content-Security-Policy, in one place: the build puts it in index.html's <meta> and the preview server's
// headers; the service worker (workers/sw.ts) puts it on navigations and worker scripts, adding to `connect-src` of
// the network worker only the origins the user configured (S3 remotes, presign endpoints, HydroVu servers).
// No imports: vite.config.ts loads this file as it is.
//
// 'unsafe-inline' only for styles: Lit templates and uPlot set style attributes; styles cannot fetch from elsewhere,
// since img-src, font-src (default-src) and connect-src stay at self. No blob: workers (none is made that way).
// No 'unsafe-eval': apache-arrow's Builders compile their null check with `new Function`, so the app builds its
// Arrow columns from buffers (src/core/arrow-columns.ts); tests/e2e/csp.spec.ts fails if anything evaluates strings.

const FIXED = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:", "object-src 'none'", "base-uri 'self'",
];

/** The policy with `connect-src 'self'` plus those of `connectOrigins` that are clean origins (others are left out). */
export function contentSecurityPolicy(connectOrigins: readonly string[] = []): string {
  const extra = [...new Set(connectOrigins.filter(isConnectOrigin))].sort();
  return [...FIXED, ["connect-src 'self'", ...extra].join(' ')].join('; ');
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * True for an origin the app may be configured to reach: https, or plain http to this machine (test servers, a local
 * proxy), exactly as serialised (scheme://host[:port]), so nothing else (';', spaces, paths) can reach the policy text.
 */
export function isConnectOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return u.origin === origin && (u.protocol === 'https:' || (u.protocol === 'http:' && LOCAL_HOSTS.has(u.hostname)));
}
