import { describe, expect, it } from 'vitest';
import { blobHashOf, classifyPondPath, committedPondFiles, consecutiveLogs, isWholeLog, sortForWrite } from '../../../src/remote/layout';
import { MemoryStore } from '../../../src/storage/memory-store';
import { makePond } from './pond-fixture';

const H = 'ab' + 'c'.repeat(62);

describe('pond layout', () => {
  it('classifies layout paths and refuses everything else', () => {
    expect(classifyPondPath('_delta_log/00000000000000000003.json')).toBe('log');
    expect(classifyPondPath('_delta_log/00000000000000000010.checkpoint.parquet')).toBe('checkpoint');
    expect(classifyPondPath('oplog/1-abc.parquet')).toBe('oplog');
    expect(classifyPondPath(`blobs/sha256/ab/${H}`)).toBe('blob');
    for (const bad of [`blobs/sha256/cd/${H}`, `blobs/sha256/ab/${H.toUpperCase()}`, '_delta_log/3.json', 'tmp/x', 'oplog/../x.parquet', 'oplog/.parquet', 'manifest.json', '../_delta_log/00000000000000000000.json']) {
      expect(classifyPondPath(bad), bad).toBeUndefined();
    }
    expect(blobHashOf(`blobs/sha256/ab/${H}`)).toBe(H);
  });

  it('orders writes blobs, oplog, commits by version, checkpoints', () => {
    const paths = ['_delta_log/00000000000000000010.json', 'oplog/a.parquet', '_delta_log/00000000000000000002.json', `blobs/sha256/ab/${H}`, '_delta_log/_last_checkpoint'];
    expect(sortForWrite(paths)).toEqual([`blobs/sha256/ab/${H}`, 'oplog/a.parquet', '_delta_log/00000000000000000002.json', '_delta_log/00000000000000000010.json', '_delta_log/_last_checkpoint']);
  });

  it('keeps commits only up to the first gap', () => {
    expect(consecutiveLogs([0, 1, 2, 4, 5])).toEqual({ whole: [0, 1, 2], stranded: [4, 5] });
    expect(consecutiveLogs([1])).toEqual({ whole: [], stranded: [1] });
  });

  it('tells a torn commit from a whole one', () => {
    const enc = new TextEncoder();
    expect(isWholeLog(enc.encode('{"a":1}\n{"b":2}\n'))).toBe(true);
    expect(isWholeLog(enc.encode('{"a":1}\n{"b":'))).toBe(false);
    expect(isWholeLog(new Uint8Array(0))).toBe(false);
  });

  it('leaves a torn or stranded tail out of the committed files', async () => {
    const store = new MemoryStore();
    await makePond(store, 3, 100);
    await store.write('_delta_log/00000000000000000002.json', new TextEncoder().encode('{"add":'));
    await store.write('_delta_log/00000000000000000005.json', new TextEncoder().encode('{}\n'));
    await store.write('tmp/partial', new Uint8Array(3));
    const { files, leftOut } = await committedPondFiles(store);
    expect(leftOut).toEqual(['_delta_log/00000000000000000002.json', '_delta_log/00000000000000000005.json']);
    expect([...files.keys()].filter((p) => p.startsWith('_delta_log'))).toEqual(['_delta_log/00000000000000000000.json', '_delta_log/00000000000000000001.json']);
    expect([...files.keys()].some((p) => p.startsWith('tmp'))).toBe(false);
  });
});
