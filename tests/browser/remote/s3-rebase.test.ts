// Two writers to one remote, against s3rver on 127.0.0.1: device A and device B (each its own memory pond host, real
// PondServices, real Parquet and commits) share a backup and both commit. The second push is refused; rebase replays
// B's transactions after A's (or refuses, naming the path both changed); "push as a new pond" makes a second pond id.
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, inject, it } from 'vitest';
import type { PondService } from '../../../src/service/service';
import { isPondError } from '../../../src/core/errors';
import { Pond } from '../../../src/pond/pond';
import { REBASE_JOURNAL_PATH, readRebaseJournal, versionBeforeRebase } from '../../../src/pond/rebase/rebase-journal';
import { rebase } from '../../../src/remote/rebase';
import { S3Remote } from '../../../src/remote/s3-client';
import { FaultStore } from '../../../src/storage/fault-store';
import { MemoryStore } from '../../../src/storage/memory-store';
import { LAST_CHECKPOINT_PATH, checkpointPath } from '../../../src/oplog/checkpoint';
import { readCommit, readLog } from '../../../src/oplog/log-store';
import { sha256Hex } from '../../../src/pond/hash';
import { ROOT_ID } from '../../../src/core/entry';
import { push } from '../../../src/remote/push';
import { restore as restoreRemote } from '../../../src/remote/restore';
import { memoryBrowser } from '../../helpers/memory-service';
import { KEYS } from './s3-helpers';

const uniq = () => `rebase-${crypto.randomUUID().slice(0, 8)}`;

/** CSV of `n` hourly rows of day `day` of January 2024 with values base, base + 1, … */
function hours(day: number, n: number, base: number, column = 'temp'): { name: string; data: Blob } {
  const rows = Array.from({ length: n }, (_, i) => `2024-01-${String(day).padStart(2, '0')}T${String(i).padStart(2, '0')}:00:00Z,${base + i}`);
  return { name: `day${day}.csv`, data: new Blob([`timestamp,${column}\n${rows.join('\n')}\n`]) };
}
/** The values hours() wrote, for the expected answers. */
const valuesOf = (n: number, base: number) => Array.from({ length: n }, (_, i) => base + i);

async function seriesValues(s: PondService, path: string, column: string): Promise<number[]> {
  const r = await s.query(`SELECT ${column} AS v FROM source ORDER BY timestamp`, { source: path });
  return [...tableFromIPC(r.ipc).getChild('v')!.toArray()].map(Number);
}

/** A pushes a pond with two series; B restores it and opens it. */
async function twoDevices(prefix: string) {
  const remote = { name: 'lab', bucketUrl: inject('s3Url'), prefix, accessKeyId: KEYS.accessKeyId, secretAccessKey: KEYS.secretAccessKey };
  const devA = memoryBrowser(), devB = memoryBrowser();
  const a = devA.tab(), b = devB.tab();
  const { id } = await a.createPond('field');
  await a.copyIn([hours(1, 24, 0)], '/site/temp.series', { format: 'series' });
  await a.copyIn([hours(1, 24, 1000, 'rain')], '/site/rain.series', { format: 'series' });
  await a.writeFile('/raw/logger.txt', new Blob(['first\n']), { parents: true });
  await a.remoteAdd(remote);
  await a.push('lab');
  await b.remoteAdd(remote);
  await b.restore('lab', id);
  await b.openPond(id);
  const s3 = new S3Remote({ bucketUrl: inject('s3Url'), prefix, signing: KEYS });
  return { a, b, id, devA, devB, s3 };
}

const conflictOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('two writers to one remote (s3rver on 127.0.0.1)', () => {
  it('the second push gets CONFLICT; rebase replays B after A, both series hold both appends, on A after a pull too', async () => {
    const { a, b, id } = await twoDevices(uniq());
    await a.copyIn([hours(2, 24, 100)], '/site/temp.series', { format: 'series' });
    await a.push('lab');
    await b.copyIn([hours(2, 24, 2000, 'rain')], '/site/rain.series', { format: 'series' });
    const bTxn = (await b.log({ limit: 1 }))[0]!;
    const refused = await conflictOf(b.push('lab'));
    expect(isPondError(refused, 'CONFLICT'), String(refused)).toBe(true);

    const before = (await b.info()).version;
    const r = await b.rebase('lab');
    expect(r.shared).toBe(before - 1);
    expect(r.theirs).toBe(1);
    expect(r.replayed).toEqual([{ from: before, to: before + 1, command: bTxn.command }]);
    expect((await b.info()).version).toBe(before + 1);
    // The log keeps the replayed transaction's own command and time.
    const top = (await b.log({ limit: 2 }));
    expect(top[0]).toMatchObject({ seq: before + 1, command: bTxn.command, timestamp: bTxn.timestamp });
    expect(top[1]!.seq).toBe(before);

    await b.push('lab');
    const temps = [...valuesOf(24, 0), ...valuesOf(24, 100)];
    const rains = [...valuesOf(24, 1000), ...valuesOf(24, 2000)];
    expect(await seriesValues(b, '/site/temp.series', 'temp')).toEqual(temps);
    expect(await seriesValues(b, '/site/rain.series', 'rain')).toEqual(rains);
    const p = await a.pull('lab');
    expect(p.after).toBe(before + 1);
    expect(await seriesValues(a, '/site/temp.series', 'temp')).toEqual(temps);
    expect(await seriesValues(a, '/site/rain.series', 'rain')).toEqual(rains);
    // Both wrote the same commit, and a fresh restore elsewhere opens it.
    const c = memoryBrowser().tab();
    await c.remoteAdd({ name: 'lab', bucketUrl: inject('s3Url'), prefix: (await a.remoteList())[0]!.prefix, accessKeyId: KEYS.accessKeyId, secretAccessKey: KEYS.secretAccessKey });
    await c.restore('lab', id);
    await c.openPond(id);
    expect(await seriesValues(c, '/site/rain.series', 'rain')).toEqual(rains);
  });

  it('a series appended on both sides keeps both, the remote\'s versions first', async () => {
    const { a, b } = await twoDevices(uniq());
    await a.copyIn([hours(2, 24, 100)], '/site/temp.series', { format: 'series' });
    await a.copyIn([hours(3, 24, 200)], '/site/temp.series', { format: 'series' });
    await a.push('lab');
    await b.copyIn([hours(4, 24, 400)], '/site/temp.series', { format: 'series' });
    await b.writeFile('/notes/b.txt', new Blob(['from b\n']), { parents: true });
    expect(isPondError(await conflictOf(b.push('lab')), 'CONFLICT')).toBe(true);
    // From the shell: rebase, then push.
    const before = (await b.info()).version;
    const out = await b.exec('push lab --rebase', { files: [] });
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain(`replayed this pond's 2 transactions as versions ${before + 1} to ${before + 2}`);
    expect(out.stdout).toMatch(/pushed \d+ objects/);
    const versions = await b.versions('/site/temp.series');
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4]);
    expect(await seriesValues(b, '/site/temp.series', 'temp')).toEqual([...valuesOf(24, 0), ...valuesOf(24, 100), ...valuesOf(24, 200), ...valuesOf(24, 400)]);
    expect(new TextDecoder().decode(await b.readFile('/notes/b.txt'))).toBe('from b\n');
    await a.pull('lab');
    expect((await a.versions('/site/temp.series')).map((v) => v.version)).toEqual([1, 2, 3, 4]);
    expect(new TextDecoder().decode(await a.readFile('/notes/b.txt'))).toBe('from b\n');
  });

  it('refuses a rebase when both changed one file, naming it, and leaves B as it was', async () => {
    const { a, b } = await twoDevices(uniq());
    await a.writeFile('/raw/logger.txt', new Blob(['a wrote this\n']));
    await a.push('lab');
    await b.writeFile('/raw/logger.txt', new Blob(['b wrote this\n']));
    await b.copyIn([hours(2, 24, 2000, 'rain')], '/site/rain.series', { format: 'series' });
    const version = (await b.info()).version;
    const e = await conflictOf(b.rebase('lab'));
    expect(isPondError(e, 'CONFLICT'), String(e)).toBe(true);
    expect((e as Error).message).toContain('/raw/logger.txt');
    expect((e as { detail?: { paths?: string[] } }).detail?.paths).toEqual(['/raw/logger.txt']);
    expect((await b.info()).version).toBe(version);
    expect(new TextDecoder().decode(await b.readFile('/raw/logger.txt'))).toBe('b wrote this\n');
  });

  it('refuses a rebase when both wrote one table, naming it', async () => {
    const { a, b } = await twoDevices(uniq());
    const tableCsv = (v: number) => ({ name: 't.csv', data: new Blob([`k,v\n1,${v}\n`]) });
    await a.copyIn([tableCsv(1)], '/tables/t.table', { format: 'table' });
    await a.push('lab');
    await b.copyIn([tableCsv(2)], '/tables/t.table', { format: 'table' });
    const e = await conflictOf(b.rebase('lab'));
    expect(isPondError(e, 'CONFLICT'), String(e)).toBe(true);
    expect((e as { detail?: { paths?: string[] } }).detail?.paths).toEqual(['/tables/t.table']);
  });

  it('"push as a new pond" makes a second pond id on the remote, named as a fork; the original stays', async () => {
    const { a, b, id } = await twoDevices(uniq());
    await a.writeFile('/raw/logger.txt', new Blob(['a wrote this\n']));
    await a.push('lab');
    await b.writeFile('/raw/logger.txt', new Blob(['b wrote this\n']));
    const version = (await b.info()).version;
    const f = await b.pushAsNewPond('lab');
    expect(f.fromId).toBe(id);
    expect(f.id).not.toBe(id);
    expect(f.name).toBe('field (fork)');
    expect(f.version).toBe(version + 1); // the copy, plus the commit that records its name
    expect([...(await b.remotePonds('lab'))].sort()).toEqual([id, f.id].sort());
    expect((await b.info()).version).toBe(version); // the original as it was
    expect((await b.listPonds()).map((p) => p.id).sort()).toEqual([id, f.id].sort());
    // Restored elsewhere, the fork is its own pond with B's change and its name.
    const c = memoryBrowser().tab();
    await c.remoteAdd({ name: 'lab', bucketUrl: inject('s3Url'), prefix: (await b.remoteList())[0]!.prefix, accessKeyId: KEYS.accessKeyId, secretAccessKey: KEYS.secretAccessKey });
    const restored = await c.restore('lab', f.id);
    expect(restored.name).toBe('field (fork)');
    await c.openPond(f.id);
    expect(new TextDecoder().decode(await c.readFile('/raw/logger.txt'))).toBe('b wrote this\n');
  });

  it('a rebase that stops at any write leaves the pond as it was, and the next one completes', async () => {
    const { a, b, id, devB, s3 } = await twoDevices(uniq());
    await a.copyIn([hours(2, 24, 100)], '/site/temp.series', { format: 'series' });
    await a.push('lab');
    await b.copyIn([hours(2, 24, 2000, 'rain')], '/site/rain.series', { format: 'series' });
    const disk = devB.host.stores.get(id)!;
    const old = (await Pond.open(disk, { readOnly: true })).version;
    const oldHead = await disk.read(`_delta_log/${String(old).padStart(20, '0')}.json`);
    const counter = new FaultStore(disk.clone());
    const full = await rebase(counter, s3, id, old);
    expect(full.after).toBe(old + 1);
    const ops = counter.opCount;
    let inJournal = 0, rolledBack = 0;
    for (let at = 1; at <= ops; at++) {
      const copy = disk.clone();
      const faulty = new FaultStore(copy, { at, mode: 'tear' });
      const finished = await rebase(faulty, s3, id, old).then(() => true, () => false);
      expect(finished || faulty.crashed, `operation ${at}`).toBe(true);
      // A whole journal: a reader takes the shared version (a torn one means nothing had moved yet).
      const journal = versionBeforeRebase(await readRebaseJournal(copy)) !== undefined;
      const reader = await Pond.open(copy, { readOnly: true });
      if (journal) expect(reader.version, `operation ${at}`).toBe(old - 1);
      if (journal) inJournal++;
      const writer = await Pond.open(copy);
      expect(await copy.size(REBASE_JOURNAL_PATH)).toBeUndefined();
      if (!finished) {
        // Rolled back: our own commit is back at its number, byte for byte.
        if (writer.version === old) rolledBack++;
        if (writer.version === old) expect(await copy.read(`_delta_log/${String(old).padStart(20, '0')}.json`)).toEqual(oldHead);
        else expect(writer.version, `operation ${at}`).toBe(old + 1); // crashed after the new history counted
      }
      const again = await rebase(copy, s3, id, writer.version);
      expect(again.after, `operation ${at}`).toBe(old + 1);
      const c = await readCommit(copy, old + 1);
      expect(c.info.duckpond.rebasedFrom, `operation ${at}`).toBe(old);
    }
    expect(inJournal).toBeGreaterThan(3);
    expect(rolledBack).toBeGreaterThan(inJournal);
  });
});


describe('rebase over checkpoints (s3rver on 127.0.0.1)', () => {
  it('drops the checkpoints of the rewritten versions and _last_checkpoint; the next push succeeds and a restore opens', async () => {
    const prefix = uniq();
    const s3 = new S3Remote({ bucketUrl: inject('s3Url'), prefix, signing: KEYS });
    const storeA = new MemoryStore();
    const a = await Pond.create(storeA, { name: 'ckpt' });
    const enc = (t: string) => new TextEncoder().encode(t);
    await a.transact('mkdir', (tx) => void tx.wd.mkdir('/a', { parents: true }));
    await a.transact('mkdir', (tx) => void tx.wd.mkdir('/b', { parents: true }));
    while (a.version < 95) await a.transact(`base ${a.version}`, (tx) => tx.writeFile(`/a/base-${a.version}.txt`, 'file:data', enc(`base ${a.version}`)));
    await push(storeA, s3, a.id);
    const storeB = storeA.clone();
    const b = await Pond.open(storeB);
    for (let i = 0; i < 10; i++) await a.transact(`a ${i}`, (tx) => tx.writeFile(`/a/from-a-${i}.txt`, 'file:data', enc(`a ${i}`)));
    for (let i = 0; i < 10; i++) await b.transact(`b ${i}`, (tx) => tx.writeFile(`/b/from-b-${i}.txt`, 'file:data', enc(`b ${i}`)));
    // Both wrote their own checkpoint at 100, of different histories.
    expect(await storeA.size(checkpointPath(100))).toBeDefined();
    expect(await storeB.size(checkpointPath(100))).toBeDefined();
    await push(storeA, s3, a.id);
    expect(isPondError(await conflictOf(push(storeB, s3, b.id)), 'CONFLICT')).toBe(true);

    // Each side may have compacted once among its ten (compactions restate rows: they are not replayed).
    const r = await rebase(storeB, s3, b.id, b.version);
    const head = a.version + 10;
    expect(r).toMatchObject({ shared: 95, theirs: a.version - 95, before: b.version, after: head });
    expect(r.replayed.map((t) => t.command)).toEqual(Array.from({ length: 10 }, (_, i) => `b ${i}`));
    // B's checkpoint of its old commit 100 is gone, and so is the pointer at it (no checkpoint at or before 95 is left).
    expect(await storeB.size(checkpointPath(100))).toBeUndefined();
    expect(await storeB.size(LAST_CHECKPOINT_PATH)).toBeUndefined();
    const reopened = await Pond.open(storeB);
    const fromCommits = await readLog(storeB, sha256Hex, undefined, { checkpoints: false });
    expect(reopened.version).toBe(head);
    expect(fromCommits.head).toBe(head);
    for (let i = 0; i < 10; i++) {
      expect(new TextDecoder().decode(await reopened.readVersion(resolveId(reopened, `/a/from-a-${i}.txt`)))).toBe(`a ${i}`);
      expect(new TextDecoder().decode(await reopened.readVersion(resolveId(reopened, `/b/from-b-${i}.txt`)))).toBe(`b ${i}`);
    }
    await push(storeB, s3, b.id);
    // A restore of the backup (whose checkpoint at 100 is A's, of the same commit 100) opens with both sides.
    const storeC = new MemoryStore();
    await restoreRemote(s3, b.id, storeC);
    const c = await Pond.open(storeC, { readOnly: true });
    expect(c.version).toBe(head);
    expect(new TextDecoder().decode(await c.readVersion(resolveId(c, '/b/from-b-9.txt')))).toBe('b 9');
    expect(new TextDecoder().decode(await c.readVersion(resolveId(c, '/a/from-a-9.txt')))).toBe('a 9');
  });
});

describe('rebase when both sides share a checkpoint and the backup has a newer one', () => {
  it('points this pond at the shared checkpoint, and its push leaves the backup\'s newer pointer', async () => {
    const prefix = uniq();
    const s3 = new S3Remote({ bucketUrl: inject('s3Url'), prefix, signing: KEYS });
    const storeA = new MemoryStore();
    const a = await Pond.create(storeA, { name: 'ckpt-shared' });
    const enc = (t: string) => new TextEncoder().encode(t);
    await a.transact('mkdir', (tx) => void tx.wd.mkdir('/a', { parents: true }));
    while (a.version < 102) await a.transact(`base ${a.version}`, (tx) => tx.writeFile(`/a/base-${a.version}.txt`, 'file:data', enc(`base ${a.version}`)));
    await push(storeA, s3, a.id);
    const storeB = storeA.clone();
    const b = await Pond.open(storeB);
    while (a.version < 201) await a.transact(`a ${a.version}`, (tx) => tx.writeFile(`/a/more-${a.version}.txt`, 'file:data', enc(`a ${a.version}`)));
    await push(storeA, s3, a.id);
    for (let i = 0; i < 3; i++) await b.transact(`b ${i}`, (tx) => tx.writeFile(`/b-${i}.txt`, 'file:data', enc(`b ${i}`)));
    const pointer = async () => JSON.parse(await (await s3.get(`${prefix}/${a.id}/${LAST_CHECKPOINT_PATH}`)).text()) as { version: number };
    expect((await pointer()).version).toBe(200);
    const r = await rebase(storeB, s3, b.id, b.version);
    expect(r.shared).toBe(102);
    expect(JSON.parse(new TextDecoder().decode(await storeB.read(LAST_CHECKPOINT_PATH))).version).toBe(100);
    expect(await storeB.size(checkpointPath(100))).toBeDefined();
    await push(storeB, s3, b.id);
    expect((await pointer()).version).toBe(200);
    const storeC = new MemoryStore();
    await restoreRemote(s3, b.id, storeC);
    const c = await Pond.open(storeC, { readOnly: true });
    expect(c.version).toBe(r.after);
    expect(new TextDecoder().decode(await c.readVersion(resolveId(c, '/b-2.txt')))).toBe('b 2');
  });
});

describe('a rebase over checkpoints that stops at any write of its one step', () => {
  it('leaves the pond with its own commits and checkpoints, byte for byte, or the whole new history', async () => {
    const prefix = uniq();
    const s3 = new S3Remote({ bucketUrl: inject('s3Url'), prefix, signing: KEYS });
    const storeA = new MemoryStore();
    const a = await Pond.create(storeA, { name: 'ckpt-crash' });
    const enc = (t: string) => new TextEncoder().encode(t);
    await a.transact('mkdir', (tx) => void tx.wd.mkdir('/a', { parents: true }));
    while (a.version < 97) await a.transact(`base ${a.version}`, (tx) => tx.writeFile(`/a/base-${a.version}.txt`, 'file:data', enc(`base ${a.version}`)));
    await push(storeA, s3, a.id);
    const disk = storeA.clone();
    const b = await Pond.open(disk);
    for (let i = 0; i < 2; i++) await a.transact(`a ${i}`, (tx) => tx.writeFile(`/a/from-a-${i}.txt`, 'file:data', enc(`a ${i}`)));
    for (let i = 0; i < 5; i++) await b.transact(`b ${i}`, (tx) => tx.writeFile(`/b-${i}.txt`, 'file:data', enc(`b ${i}`)));
    await push(storeA, s3, a.id);
    expect(await disk.size(checkpointPath(100))).toBeDefined();
    const layout = (m: MemoryStore) => new Map([...m.snapshot()].filter(([p]) => /^(_delta_log|oplog|blobs)\//.test(p)));
    const original = layout(disk);
    const counter = new FaultStore(disk.clone());
    const full = await rebase(counter, s3, b.id, b.version);
    const head = full.after;
    // The sweep covers the one step: from the journal's write to the end.
    const first = counter.log.find((o) => o.path === REBASE_JOURNAL_PATH)!.n;
    let rolledBack = 0;
    for (let at = first; at <= counter.opCount; at++) {
      const copy = disk.clone();
      const faulty = new FaultStore(copy, { at, mode: 'tear' });
      const finished = await rebase(faulty, s3, b.id, b.version).then(() => true, () => false);
      const writer = await Pond.open(copy);
      if (writer.version === b.version) {
        rolledBack++;
        const now = layout(copy);
        // Everything of ours is back as it was (the new history's data files may linger only as unreferenced files).
        for (const [p, bytes] of original) expect(now.get(p), `operation ${at}: ${p}`).toEqual(bytes);
        for (const p of now.keys()) if (p.startsWith('_delta_log/')) expect(original.has(p), `operation ${at}: ${p}`).toBe(true);
      } else {
        expect(writer.version, `operation ${at} (finished ${finished})`).toBe(head);
        expect(await copy.size(checkpointPath(100))).toBeUndefined();
      }
      const again = await rebase(copy, s3, b.id, writer.version);
      expect(again.after, `operation ${at}`).toBe(head);
      expect(await copy.size(checkpointPath(100)), `operation ${at}`).toBeUndefined();
      expect(await copy.size(LAST_CHECKPOINT_PATH), `operation ${at}`).toBeUndefined();
      expect(new TextDecoder().decode(await (await Pond.open(copy)).readVersion(resolveId(await Pond.open(copy, { readOnly: true }), '/b-4.txt')))).toBe('b 4');
    }
    expect(rolledBack).toBeGreaterThan(5);
  });
});

function resolveId(p: Pond, path: string): string {
  let id = ROOT_ID;
  for (const name of path.split('/').filter(Boolean)) id = p.fs.get(id)!.children!.get(name)!.node_id;
  return id;
}
