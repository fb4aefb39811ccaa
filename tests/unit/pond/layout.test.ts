// What a pond leaves in its store: a Delta Lake table (reader 1 / writer 2) other engines can read, plus blobs.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/storage/memory-store';
import { Pond } from '../../../src/pond/pond';
import { decodeEntries } from '../../../src/oplog/entry-codec';
import { resolve } from '../../../src/tinyfs/resolve';
import { sha256Hex } from '../../../src/pond/hash';
import { dumpPond } from '../../helpers/pond-dump';

const lines = (b: Uint8Array) => new TextDecoder().decode(b).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

describe('on-disk layout', () => {
  it('writes one Delta commit per transaction, with protocol, metaData, add and commitInfo', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    await pond.transact('copy host:a.bin /a.bin', (tx) => tx.writeFile('/a.bin', 'file:data', new Uint8Array(70_000).fill(9)));
    expect(await store.list('_delta_log')).toEqual(['00000000000000000000.json', '00000000000000000001.json']);
    const [protocol, metaData, ...rest0] = lines(await store.read('_delta_log/00000000000000000000.json'));
    expect(protocol).toEqual({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    expect(metaData!.metaData.id).toBe(pond.id);
    const schema = JSON.parse(metaData!.metaData.schemaString);
    expect(schema.type).toBe('struct');
    expect(schema.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual([
      'part_id:string', 'node_id:string', 'entry_type:string', 'version:long', 'timestamp:timestamp', 'content:binary', 'sha256:string',
      'size:long', 'min_event_time:timestamp', 'max_event_time:timestamp', 'extended_attributes:string', 'txn_seq:long',
    ]);
    expect(rest0.map((a) => Object.keys(a)[0])).toEqual(['add', 'commitInfo']);
    const [add, info] = lines(await store.read('_delta_log/00000000000000000001.json'));
    expect(add!.add).toMatchObject({ path: expect.stringMatching(/^oplog\/00000000000000000001-[0-9a-f-]{36}\.parquet$/), dataChange: true, partitionValues: {} });
    expect(add!.add.size).toBe((await store.read(add!.add.path)).length);
    expect(add!.add.tags.sha256).toBe(await sha256Hex(await store.read(add!.add.path)));
    expect(info!.commitInfo).toMatchObject({ operation: 'WRITE', duckpond: { txnSeq: 1, command: 'copy host:a.bin /a.bin', entries: 2 } });
    // The rows: the root directory's new version and the file, whose 70 000 bytes went to a hash-named blob.
    const rows = await decodeEntries(await store.read(add!.add.path), 'oplog');
    expect(rows.map((r) => [r.entry_type, r.version, r.txn_seq])).toEqual([['directory', 2, 1], ['file:data', 1, 1]]);
    const file = rows[1]!;
    expect(file.content).toBeNull();
    expect(file.part_id).toBe(rows[0]!.node_id);
    expect(await store.size(`blobs/sha256/${file.sha256!.slice(0, 2)}/${file.sha256}`)).toBe(70_000);
  });

  it('names nodes with UUIDv7 ids (time-ordered), the root with its fixed id', async () => {
    const pond = await Pond.create(new MemoryStore());
    await pond.transact('mk', (tx) => { tx.wd.mkdir('/a'); tx.wd.mkdir('/b'); });
    const ids = ['/a', '/b'].map((p) => resolve(pond.fs, [p.slice(1)]).node.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0]! < ids[1]!).toBe(true);
    expect(pond.fs.root!.id).toBe('00000000-0000-7000-8000-000000000000');
  });

  it('sweeps tmp/ when opened as the writer, and leaves it alone when read-only', async () => {
    const store = new MemoryStore();
    await Pond.create(store);
    await store.write('tmp/left-by-a-crash', new Uint8Array([1, 2, 3]));
    await Pond.open(store, { readOnly: true });
    expect(await store.list('tmp')).toEqual(['left-by-a-crash']);
    await Pond.open(store);
    expect(await store.list('tmp')).toEqual([]);
  });

  it('ignores a torn last commit, and the writer removes it so the next commit takes its number', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    await pond.transact('one', (tx) => void tx.wd.mkdir('/one'));
    await store.write('_delta_log/00000000000000000002.json', new TextEncoder().encode('{"add":{"path":"oplog/x.parq')); // torn
    const reader = await Pond.open(store, { readOnly: true });
    expect(reader.version).toBe(1);
    const writer = await Pond.open(store);
    await writer.transact('two', (tx) => void tx.wd.mkdir('/two'));
    expect(writer.version).toBe(2);
    expect((await Pond.open(store)).version).toBe(2);
    // Damage before the tail is not silently skipped: it is reported.
    await store.write('_delta_log/00000000000000000001.json', new TextEncoder().encode('garbage\n'));
    await expect(Pond.open(store)).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('opens the same pond whatever the head hint says (it only saves listing the log)', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store, { compactEvery: 3 });
    for (let i = 0; i < 7; i++) await pond.transact(`c${i}`, (tx) => tx.writeFile(`/f${i}`, 'file:data', new TextEncoder().encode(`${i}`)));
    const expected = dumpPond(await Pond.open(store, { readOnly: true }));
    expect(JSON.parse(new TextDecoder().decode(await store.read('_duckpond_head.json')))).toEqual({ compaction: 8 });
    for (const hint of ['{"compaction":2}', '{"compaction":0}', '{"compaction":99}', '{"compaction":', 'nonsense']) {
      await store.write('_duckpond_head.json', new TextEncoder().encode(hint));
      expect(dumpPond(await Pond.open(store, { readOnly: true })), hint).toEqual(expected);
      expect((await Pond.open(store, { asOf: 4 })).version, hint).toBe(4);
    }
    await store.remove('_duckpond_head.json');
    expect(dumpPond(await Pond.open(store))).toEqual(expected);
    expect(JSON.parse(new TextDecoder().decode(await store.read('_duckpond_head.json')))).toEqual({ compaction: 8 });
  });
});
