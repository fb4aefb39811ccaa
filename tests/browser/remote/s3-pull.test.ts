// Incremental pull into a replica against s3rver on 127.0.0.1 (through a proxy that counts what reaches the server):
// real ponds made by PondService (real Parquet, real commits), device A and device B each with their own memory pond
// host. What is fetched, what is refused (diverged, damaged), and a crash at every write of the pull.
import { describe, expect, inject, it } from 'vitest';
import type { PondService } from '../../../src/service/service';
import { isPondError } from '../../../src/core/errors';
import { objectKey } from '../../../src/remote/config';
import { listPondFiles } from '../../../src/remote/layout';
import { pull } from '../../../src/remote/pull';
import { S3Remote } from '../../../src/remote/s3-client';
import { Pond } from '../../../src/pond/pond';
import { HEAD_HINT_PATH, listCommitVersions } from '../../../src/oplog/log-store';
import { PULL_JOURNAL_PATH } from '../../../src/pond/pull-journal';
import { sha256Hex } from '../../../src/pond/hash';
import { FaultStore } from '../../../src/storage/fault-store';
import type { MemoryStore } from '../../../src/storage/memory-store';
import { memoryBrowser } from '../../helpers/memory-service';
import { sameFiles } from '../../unit/remote/pond-fixture';
import { KEYS } from './s3-helpers';
import { ROOT_ID } from '../../../src/core/entry';
import { appendCommit, commitCount, pondFiles } from '../../helpers/crafted-snapshots';

const uniq = () => `pull-${crypto.randomUUID().slice(0, 8)}`;

/** CSV of `n` hourly rows of day `day` of January 2024, values base, base + 0.5, … */
function hours(day: number, n: number, base: number): { name: string; data: Blob } {
  const rows = Array.from({ length: n }, (_, i) => `2024-01-${String(day).padStart(2, '0')}T${String(i).padStart(2, '0')}:00:00Z,${base + i * 0.5}`);
  return { name: `day${day}.csv`, data: new Blob([`timestamp,temp\n${rows.join('\n')}\n`]) };
}

interface Requests { method: string; key: string; query: string }
async function seenAtServer(pondId: string): Promise<Requests[]> {
  return (await (await fetch(`${inject('countUrl')}?key=${encodeURIComponent(pondId)}`)).json()) as Requests[];
}

/** Device A (producer) with one pushed pond, and device B holding a restore of it, opened. */
async function producerAndReplica(prefix: string) {
  const remote = { name: 'lab', bucketUrl: inject('countedS3Url'), prefix, accessKeyId: KEYS.accessKeyId, secretAccessKey: KEYS.secretAccessKey };
  const devA = memoryBrowser(), devB = memoryBrowser();
  const a = devA.tab(), b = devB.tab();
  const { id } = await a.createPond('producer');
  await a.copyIn([hours(1, 24, 0)], '/site/temp.series', { format: 'series' });
  await a.writeFile('/raw/logger.bin', new Blob([new Uint8Array(150_000).map((_, i) => i % 253)]), { parents: true });
  await a.remoteAdd(remote);
  await a.push('lab');
  await b.remoteAdd(remote);
  await b.restore('lab', id);
  await b.openPond(id);
  const storeB = devB.host.stores.get(id)!;
  const storeA = devA.host.stores.get(id)!;
  const s3 = new S3Remote({ bucketUrl: inject('countedS3Url'), prefix, signing: KEYS });
  return { a, b, id, storeA, storeB, s3 };
}

async function seriesVersions(s: PondService, path = '/site/temp.series'): Promise<number> {
  return (await s.versions(path)).length;
}

describe('pull into a replica (s3rver on 127.0.0.1)', () => {
  it('fetches only the commits after the replica\'s head and the files they need, counted at the server', async () => {
    const prefix = uniq();
    const { a, b, id } = await producerAndReplica(prefix);
    const before = (await b.info()).version;
    await a.copyIn([hours(2, 24, 100)], '/site/temp.series', { format: 'series' });
    await a.copyIn([hours(3, 24, 200)], '/site/temp.series', { format: 'series' });
    await a.writeFile('/raw/second.bin', new Blob([new Uint8Array(120_000).map((_, i) => (i * 7) % 251)]));
    const sent = (await a.push('lab')).sent;
    expect(sent.filter((p) => p.startsWith('_delta_log/'))).toHaveLength(3);

    const already = (await seenAtServer(id)).length;
    const r = await b.pull('lab');
    const during = (await seenAtServer(id)).slice(already);
    expect(r).toMatchObject({ before, after: before + 3 });
    expect([...r.fetched].sort()).toEqual([...sent].sort());
    // At the server: one listing (of the commits after the replica's head), one HEAD (of the replica's head commit, to
    // know the histories agree), and one GET per object A sent, no more (the first two commits, guessed at while the
    // listing ran, are not fetched again).
    const lists = during.filter((q) => q.method === 'GET' && q.query.includes('list-type=2'));
    expect(lists).toHaveLength(1);
    expect(lists[0]!.query).toContain(`start-after=${objectKey(prefix, id, `_delta_log/${String(before).padStart(20, '0')}.json`)}`);
    expect(during.filter((q) => q.method === 'HEAD').map((q) => q.key)).toEqual([`/ponds/${objectKey(prefix, id, `_delta_log/${String(before).padStart(20, '0')}.json`)}`]);
    const gets = during.filter((q) => q.method === 'GET' && !q.query.includes('list-type')).map((q) => q.key).sort();
    expect(gets).toEqual(sent.map((p) => `/ponds/${objectKey(prefix, id, p)}`).sort());
    expect(during).toHaveLength(sent.length + 2);

    expect((await b.info()).version).toBe((await a.info()).version);
    expect(await seriesVersions(b)).toBe(3);
    expect(await b.readFile('/raw/second.bin')).toEqual(await a.readFile('/raw/second.bin'));
    // The pull's check folded only the new commits onto B's open tree; fsck's full check (every commit, file and blob
    // re-read and re-hashed) is the reference: B is clean and has A's content root.
    const [fsckA, fsckB] = [await a.fsck(), await b.fsck()];
    expect(fsckB.problems).toEqual([]);
    expect(fsckB.ok).toBe(true);
    expect(fsckB.root).toBe(fsckA.root);
    // Nothing new: one listing, one HEAD, and the two guesses at the next commits sent beside them (both missing).
    const quiet = (await seenAtServer(id)).length;
    expect(await b.pull('lab')).toMatchObject({ before: before + 3, after: before + 3, fetched: [] });
    const idle = (await seenAtServer(id)).slice(quiet);
    expect(idle.filter((q) => q.method === 'GET' && q.query.includes('list-type=2'))).toHaveLength(1);
    expect(idle.filter((q) => q.method === 'HEAD')).toHaveLength(1);
    expect(idle.filter((q) => q.method === 'GET' && !q.query.includes('list-type')).map((q) => q.key).sort())
      .toEqual([before + 4, before + 5].map((v) => `/ponds/${objectKey(prefix, id, `_delta_log/${String(v).padStart(20, '0')}.json`)}`));
    expect(idle).toHaveLength(4);
  });

  it('skips checkpoint files and other objects it does not need', async () => {
    const prefix = uniq();
    const { a, b, id, s3 } = await producerAndReplica(prefix);
    await a.copyIn([hours(2, 24, 100)], '/site/temp.series', { format: 'series' });
    const sent = (await a.push('lab')).sent;
    const v = (await a.info()).version;
    // What a Delta checkpoint writer puts next to the commits (the pull needs only the commits after its head).
    const checkpoint = new Uint8Array([0x50, 0x41, 0x52, 0x31, 1, 2, 3, 0x50, 0x41, 0x52, 0x31]);
    const last = new TextEncoder().encode(JSON.stringify({ version: v, size: 3 }));
    await s3.put(objectKey(prefix, id, `_delta_log/${String(v).padStart(20, '0')}.checkpoint.parquet`), checkpoint, { 'x-amz-meta-sha256': await sha256Hex(checkpoint) });
    await s3.put(objectKey(prefix, id, '_delta_log/_last_checkpoint'), last, { 'x-amz-meta-sha256': await sha256Hex(last) });
    const r = await b.pull('lab');
    expect([...r.fetched].sort()).toEqual([...sent].sort());
    expect(await seriesVersions(b)).toBe(2);
  });

  it('refuses a pull when the replica has commits the backup lacks, naming the first diverging version', async () => {
    const prefix = uniq();
    const { a, b } = await producerAndReplica(prefix);
    const shared = (await b.info()).version;
    await b.writeFile('/notes.txt', new Blob(['written on the replica']));
    // Only ahead: the backup lacks commit shared + 1.
    const ahead = await b.pull('lab').catch((e: unknown) => e);
    expect(isPondError(ahead, 'CONFLICT')).toBe(true);
    expect(ahead).toMatchObject({ detail: { reason: 'diverged', version: shared + 1 } });
    expect((ahead as Error).message).toMatch(new RegExp(`diverged at version ${shared + 1}.*Ways forward: push`));
    // Truly diverged: A committed its own shared + 1, + 2 and pushed.
    await a.copyIn([hours(2, 24, 100)], '/site/temp.series', { format: 'series' });
    await a.writeFile('/notes.txt', new Blob(['written on the producer']));
    await a.push('lab');
    const forked = await b.pull('lab').catch((e: unknown) => e);
    expect(forked).toMatchObject({ code: 'CONFLICT', detail: { reason: 'diverged', version: shared + 1 } });
    expect((forked as Error).message).toMatch(/commit \d+ here differs from the backup's/);
    expect(new TextDecoder().decode(await b.readFile('/notes.txt'))).toBe('written on the replica');
    expect((await b.info()).version).toBe(shared + 1);
  });

  it('refuses a damaged new object as CORRUPT naming it, and leaves the replica as it was', async () => {
    const prefix = uniq();
    const { a, b, id, s3, storeB } = await producerAndReplica(prefix);
    const before = (await b.info()).version;
    const filesBefore = storeB.snapshot();
    await a.copyIn([hours(2, 24, 100)], '/site/temp.series', { format: 'series' });
    const sent = (await a.push('lab')).sent;
    const oplog = sent.find((p) => p.startsWith('oplog/'))!;
    const key = objectKey(prefix, id, oplog);
    const good = new Uint8Array(await (await s3.get(key)).arrayBuffer());
    const bad = good.slice();
    bad[bad.length >> 1]! ^= 0xff;
    // Its recorded hash made to match, so only the commit's own record (add-hash) can catch it.
    await s3.put(key, bad, { 'x-amz-meta-sha256': await sha256Hex(bad) });
    const err = await b.pull('lab').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CORRUPT' });
    expect((err as Error).message).toContain(oplog);
    expect((await b.info()).version).toBe(before);
    expect(sameFiles(storeB.snapshot(), filesBefore)).toEqual([]);
    await s3.put(key, good, { 'x-amz-meta-sha256': await sha256Hex(good) });
    expect(await b.pull('lab')).toMatchObject({ after: before + 1 });
  });

  it('refuses a crafted new commit that makes a cycle with the replica\'s own tree (rule tree-cycle), and leaves it as it was', async () => {
    const prefix = uniq();
    const { b, id, s3, storeA, storeB } = await producerAndReplica(prefix);
    const before = (await b.info()).version;
    const filesBefore = storeB.snapshot();
    // On the bucket, as a crafted push would leave it: one more commit in which the old /site lists the root.
    const files = await pondFiles(storeA);
    const pondA = await Pond.open(storeA, { readOnly: true });
    const site = pondA.fs.root!.children!.get('site')!.node_id;
    await appendCommit(files, { pondId: id, files, ids: { '/site': site } }, (c) => [c.dir(site, [{ name: 'up', node_id: ROOT_ID, entry_type: 'directory' }])]);
    const v = commitCount(files) - 1;
    const commit = `_delta_log/${String(v).padStart(20, '0')}.json`;
    const oplog = [...files.keys()].find((p) => p.startsWith('oplog/') && !storeA.snapshot().has(p))!;
    for (const p of [oplog, commit]) await s3.put(objectKey(prefix, id, p), files.get(p)!, { 'x-amz-meta-sha256': await sha256Hex(files.get(p)!) });
    const err = await b.pull('lab').catch((e: unknown) => e);
    expect(isPondError(err, 'CORRUPT'), String(err)).toBe(true);
    expect((err as { detail: { rule: string } }).detail.rule).toBe('tree-cycle');
    expect((await b.info()).version).toBe(before);
    expect(sameFiles(storeB.snapshot(), filesBefore)).toEqual([]);
  });

  it('refuses a new commit whose oplog file or blob the bucket lacks, naming the file and the commit', async () => {
    const prefix = uniq();
    const { a, b, id, s3 } = await producerAndReplica(prefix);
    const before = (await b.info()).version;
    await a.writeFile('/raw/third.bin', new Blob([new Uint8Array(100_000).map((_, i) => (i * 11) % 241)]));
    const sent = (await a.push('lab')).sent;
    const blob = sent.find((p) => p.startsWith('blobs/'))!;
    const blobBytes = new Uint8Array(await (await s3.get(objectKey(prefix, id, blob))).arrayBuffer());
    await s3.delete(objectKey(prefix, id, blob));
    const noBlob = await b.pull('lab').catch((e: unknown) => e);
    expect(noBlob).toMatchObject({ code: 'CORRUPT' });
    expect((noBlob as Error).message).toMatch(new RegExp(`${blob}.*is missing.*raw/third\\.bin`));
    await s3.put(objectKey(prefix, id, blob), blobBytes, { 'x-amz-meta-sha256': blob.slice(-64) });
    const oplog = sent.find((p) => p.startsWith('oplog/'))!;
    await s3.delete(objectKey(prefix, id, oplog));
    const noOplog = await b.pull('lab').catch((e: unknown) => e);
    expect(noOplog).toMatchObject({ code: 'CORRUPT' });
    expect((noOplog as Error).message).toMatch(new RegExp(`${oplog}.*is missing \\(added by _delta_log/0*${before + 1}\\.json\\)`));
    expect((await b.info()).version).toBe(before);
  });

  it('a cancelled pull leaves the replica at its old version, and the next pull completes', async () => {
    const prefix = uniq();
    const { a, b, storeB } = await producerAndReplica(prefix);
    const before = (await b.info()).version;
    const filesBefore = storeB.snapshot();
    await a.writeFile('/raw/big.bin', new Blob([new Uint8Array(400_000).map((_, i) => i % 249)]));
    await a.copyIn([hours(2, 24, 100)], '/site/temp.series', { format: 'series' });
    await a.push('lab');
    const opId = `cancel-${prefix}`;
    await b.watch(opId, (done) => { if (done > 0) void b.cancel(opId); });
    const err = await b.pull('lab', { opId }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ABORTED' });
    expect((await b.info()).version).toBe(before);
    expect(sameFiles(storeB.snapshot(), filesBefore)).toEqual([]);
    expect(await b.pull('lab')).toMatchObject({ before, after: before + 2 });
    expect(await seriesVersions(b)).toBe(2);
  });
});

describe('a pull that stops at any write (crash) leaves the old version or the new one, never between', () => {
  // Without the head hint (a restored replica no writer opened yet) a reader lists the log, and only the journal
  // keeps it from the pulled commits; with it, the gap before commit `from` does too.
  it.each([['with', true], ['without', false]])('sweeps every mutating store operation of a three-commit pull, %s the head hint', async (_, hint) => {
    const prefix = uniq();
    const { a, id, storeB, s3 } = await producerAndReplica(prefix);
    await a.copyIn([hours(2, 24, 100)], '/site/temp.series', { format: 'series' });
    await a.writeFile('/raw/second.bin', new Blob([new Uint8Array(90_000).map((_, i) => (i * 3) % 251)]));
    await a.copyIn([hours(3, 24, 200)], '/site/temp.series', { format: 'series' });
    await a.push('lab');
    if (hint) await Pond.open(storeB); // as the replica's writer tab did: the head hint is written
    else await storeB.remove(HEAD_HINT_PATH);
    const old = (await Pond.open(storeB, { readOnly: true })).version;
    const base = storeB.clone();
    // The pull without a fault: how many mutating operations it makes, and the state it ends in.
    const counter = new FaultStore(base.clone());
    const full = await pull(counter, s3, id, old);
    expect(full.after).toBe(old + 3);
    const wanted = await layoutFiles(counter.inner as MemoryStore);
    const ops = counter.opCount;
    expect(ops).toBeGreaterThan(10);
    let sawOld = 0, sawNew = 0;
    for (let at = 1; at <= ops; at++) {
      const disk = base.clone();
      const faulty = new FaultStore(disk, { at, mode: 'tear' });
      // The crash shows as an error. Downloads are written in the chunks the network delivers, so this run may make
      // fewer operations than the counting one: then it simply finished.
      const finished = await pull(faulty, s3, id, old).then(() => true, () => false);
      expect(finished || faulty.crashed, `operation ${at}`).toBe(true);
      // Another tab opening read-only now: the old version while the journal is there, the new one once it is gone.
      const journal = (await disk.size(PULL_JOURNAL_PATH)) !== undefined;
      const reader = await Pond.open(disk, { readOnly: true });
      expect([old, old + 3], `operation ${at} (${faulty.log[at - 1]?.kind ?? "finished"} ${faulty.log[at - 1]?.path ?? ""})`).toContain(reader.version);
      if (journal) expect(reader.version, `operation ${at}`).toBe(old);
      if (reader.version === old) sawOld++; else sawNew++;
      // The next writer rolls an unfinished pull back; the next pull completes it, to the same files as one clean pull.
      const writer = await Pond.open(disk);
      expect(writer.version).toBe(reader.version);
      expect(await disk.size(PULL_JOURNAL_PATH)).toBeUndefined();
      // No commit past the head is left behind (a later local commit would otherwise make it count).
      expect(Math.max(...(await listCommitVersions(disk))), `operation ${at}`).toBe(writer.version);
      const again = await pull(disk, s3, id, writer.version);
      expect(again.after).toBe(old + 3);
      expect(sameFiles(await layoutFiles(disk), wanted), `operation ${at}`).toEqual([]);
    }
    expect(sawOld).toBeGreaterThan(0);
    expect(sawNew).toBeGreaterThan(0);
  });
});

/** The pond's layout files (commits, oplog, blobs) and their bytes: tmp/ and the head hint left out. */
async function layoutFiles(store: MemoryStore): Promise<Map<string, Uint8Array>> {
  const paths = await listPondFiles(store);
  const all = store.snapshot();
  return new Map([...all].filter(([p]) => paths.has(p)));
}
