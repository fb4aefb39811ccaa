// Commit file names a crafted log may hold: numbers past 2^53 - 1 are never commits (walks over them would stand
// still, since 2^54 - 1 === 2^54 in doubles), and a first commit that is broken is refused with its own reason.
import { describe, expect, it } from 'vitest';
import { PondError } from '../../../src/core/errors';
import { logPath, parseLogFileName } from '../../../src/oplog/delta-log';
import { Pond } from '../../../src/pond/pond';
import { logVersionOf } from '../../../src/remote/layout';
import { MemoryStore } from '../../../src/storage/memory-store';

describe('commit file names', () => {
  it('reads 20-digit versions up to 2^53 - 1 and nothing past it', () => {
    expect(parseLogFileName('00000000000000000007.json')).toBe(7);
    expect(parseLogFileName('00009007199254740991.json')).toBe(9007199254740991);
    expect(parseLogFileName('00009007199254740992.json')).toBeUndefined(); // 2^53
    expect(parseLogFileName('00018014398509481984.json')).toBeUndefined(); // 2^54, from the issue
    expect(parseLogFileName('99999999999999999999.json')).toBeUndefined();
    expect(logVersionOf('_delta_log/00018014398509481984.json')).toBeUndefined();
    expect(logVersionOf('_delta_log/00000000000000000003.json')).toBe(3);
    expect(logVersionOf('oplog/00000000000000000003.json')).toBeUndefined();
  });

  it('opens a pond whose log also holds a commit named 2^54, in bounded time, at its real head', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    await pond.transact('mkdir /a', (tx) => void tx.wd.mkdir('/a'));
    await store.write('_delta_log/00018014398509481984.json', await store.read(logPath(1)));
    await store.write('_delta_log/99999999999999999999.json', await store.read(logPath(1)));
    await store.remove('_duckpond_head.json'); // no hint: opening lists the log
    const again = await Pond.open(store, { readOnly: true });
    expect(again.version).toBe(1);
  });

  it('refuses a pond whose only commit is broken with that commit\'s fault, not "no pond here"', async () => {
    const store = new MemoryStore();
    await store.write(logPath(0), new TextEncoder().encode('{"protocol":{"minReaderVersion":1}}\n'));
    const e = await Pond.open(store, { readOnly: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PondError);
    expect((e as PondError).code).toBe('CORRUPT');
    expect((e as PondError).message).toContain('has no duckpond commitInfo');
  });
});
