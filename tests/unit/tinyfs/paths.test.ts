import { describe, expect, it } from 'vitest';
import { formatPath, parsePath, validateName } from '../../../src/tinyfs/paths';
import { PondError } from '../../../src/core/errors';

const code = (f: () => unknown) => {
  try { f(); } catch (e) { return (e as PondError).code; }
  return 'no error';
};

describe('paths', () => {
  it('normalises . , .. and repeated slashes', () => {
    expect(parsePath('/a//b/./c/../d')).toEqual(['a', 'b', 'd']);
    expect(parsePath('x/y', ['base'])).toEqual(['base', 'x', 'y']);
    expect(formatPath(parsePath('/'))).toBe('/');
  });
  it('refuses to climb above the root', () => {
    expect(code(() => parsePath('/../etc'))).toBe('INVALID_PATH');
    expect(code(() => parsePath('../../x', ['a']))).toBe('INVALID_PATH');
  });
  it.each([
    ['empty path', ''],
    ['NUL', 'a\u0000b'],
    ['newline', 'a\nb'],
    ['tab', 'a\tb'],
    ['DEL', 'a\u007fb'],
    ['10 000 characters', 'x'.repeat(10_000)],
  ])('refuses %s with INVALID_PATH', (_what, p) => {
    expect(code(() => parsePath(`/${p}`.slice(p === '' ? 1 : 0)))).toBe('INVALID_PATH');
  });
  it('names the problem in the message', () => {
    expect(() => validateName('a/b')).toThrow(/contains '\/'/);
    expect(() => validateName('x'.repeat(300))).toThrow(/300 characters long; the limit is 255/);
    expect(() => validateName('')).toThrow(/cannot be empty/);
  });
  it('accepts unicode, spaces and dots inside names', () => {
    expect(parsePath('/données/ʤ file.v2.csv')).toEqual(['données', 'ʤ file.v2.csv']);
  });
});
