import { describe, expect, it } from 'vitest';
import { checkPondId, normalisePrefix, objectKey, objectUrl, pondKeyPrefix, validateRemoteConfig } from '../../../src/remote/config';

const keys = { kind: 'keys', accessKeyId: 'AK', secretAccessKey: 'SK', region: 'eu-west-1' } as const;

describe('remote config', () => {
  it('accepts path-style and virtual-hosted bucket URLs', () => {
    expect(validateRemoteConfig({ bucketUrl: 'http://127.0.0.1:9000/ponds/', signing: keys }).bucketUrl).toBe('http://127.0.0.1:9000/ponds');
    expect(validateRemoteConfig({ bucketUrl: 'https://my-bucket.s3.eu-west-1.amazonaws.com', prefix: '/backups/tablet-1/', signing: keys })).toMatchObject({
      bucketUrl: 'https://my-bucket.s3.eu-west-1.amazonaws.com', prefix: 'backups/tablet-1',
    });
  });

  it.each([
    [{ bucketUrl: 'ftp://x/b', signing: keys }, /https/],
    [{ bucketUrl: 'not a url', signing: keys }, /not a URL/],
    [{ bucketUrl: 'https://u:p@host/b', signing: keys }, /user name/],
    [{ bucketUrl: 'https://host/b?x=1', signing: keys }, /query/],
    [{ bucketUrl: 'https://host/b/folder', signing: keys }, /prefix field/],
    [{ bucketUrl: 'https://host/b', prefix: 'a/../b', signing: keys }, /segment "\.\."/],
    [{ bucketUrl: 'https://host/b', prefix: 'a//b', signing: keys }, /segment ""/],
    [{ bucketUrl: 'https://host/b', signing: { ...keys, secretAccessKey: '' } }, /secretAccessKey/],
    [{ bucketUrl: 'https://host/b', signing: { kind: 'endpoint', url: 'javascript:alert(1)' } }, /signing.url/],
    [{ bucketUrl: 'https://host/b', signing: { kind: 'magic' } }, /signing.kind/],
    [{ bucketUrl: 'https://host/b' }, /signing/],
    [null, /object/],
  ])('refuses %j', (cfg, msg) => {
    expect(() => validateRemoteConfig(cfg)).toThrow(msg);
    try { validateRemoteConfig(cfg); } catch (e) { expect((e as { code: string }).code).toBe('INVALID_INPUT'); }
  });

  it('names keys <prefix>/<pond-id>/<path> and encodes URL segments', () => {
    expect(objectKey('backups', 'p1', '_delta_log/00000000000000000000.json')).toBe('backups/p1/_delta_log/00000000000000000000.json');
    expect(objectKey('', 'p1', 'oplog/a.parquet')).toBe('p1/oplog/a.parquet');
    expect(pondKeyPrefix('', 'p1')).toBe('p1/');
    expect(objectUrl('http://h/b', 'a b/c+d')).toBe('http://h/b/a%20b/c%2Bd');
    expect(objectUrl('http://h/b', '')).toBe('http://h/b');
    expect(normalisePrefix(undefined)).toBe('');
  });

  it('refuses pond ids that could escape their folder', () => {
    for (const bad of ['', '..', '.', 'a/b', 'a b', '-x', 'x\\y']) expect(() => checkPondId(bad), bad).toThrow(/pond id/);
    expect(checkPondId('0190f0d2-7a3c-7c1e-9f00-000000000001')).toBeTruthy();
  });
});
