import { describe, expect, it } from 'vitest';
import { PondError, isPondError, storageError, throwIfAborted } from '../../../src/core/errors';

describe('PondError', () => {
  it('carries a code and serialises without losing it', () => {
    const e = new PondError('NOT_FOUND', '/a: not found', { detail: { path: '/a' } });
    expect(isPondError(e, 'NOT_FOUND')).toBe(true);
    expect(isPondError(e, 'CORRUPT')).toBe(false);
    expect(e.toJSON()).toEqual({ code: 'NOT_FOUND', message: '/a: not found', detail: { path: '/a' } });
  });
  it('maps a QuotaExceededError to QUOTA_EXCEEDED naming the path', () => {
    const dom = Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    const e = storageError(dom, 'writing', 'blobs/x');
    expect(e.code).toBe('QUOTA_EXCEEDED');
    expect(e.message).toContain('blobs/x');
    expect(e.cause).toBe(dom);
  });
  it('throws ABORTED once a signal fired', () => {
    const c = new AbortController();
    expect(() => throwIfAborted(c.signal)).not.toThrow();
    c.abort();
    expect(() => throwIfAborted(c.signal, 'import')).toThrowError(/import was cancelled/);
  });
});
