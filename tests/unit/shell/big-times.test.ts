// Times a Parquet int64 can hold but a JS number or Date cannot (issue 10): a crafted oplog row with a commit time
// of 9.2e18 µs, Spark's INT96 year-290000 value and a series from the year 1 to 9999 list and describe, over the
// real service, shell, codecs and parquet-wasm (memory stores; the browser test plots and exports the same data).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Float64, makeData, makeVector, Table, TimestampMicrosecond, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { encodeCommit, logPath } from '../../../src/oplog/delta-log';
import { decodeEntries, encodeEntries } from '../../../src/oplog/entry-codec';
import { listCommitVersions, readCommit } from '../../../src/oplog/log-store';
import { sha256Hex } from '../../../src/pond/hash';
import { isoFromMicros } from '../../../src/core/utc-micros';
import { memoryBrowser } from '../../helpers/memory-service';

const spark = () => new Blob([readFileSync(new URL('../../../../shared/testdata/parquet/good/int96_from_spark.parquet', import.meta.url))]);

/** A TIMESTAMP(µs) series: the first and last instants of the years 1 and 9999 (both beyond 2^53 µs), and 2024. */
export const FAR_TIMES = [-62135596800000000n, 1704067200000000n, 253402300799000000n];
function farSeries(): Blob {
  const table = new Table({
    timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: 3, data: BigInt64Array.from(FAR_TIMES) })),
    v: makeVector(makeData({ type: new Float64(), length: 3, data: Float64Array.of(1, 2, 3) })),
  });
  return new Blob([writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream'))) as BlobPart]);
}

describe('times beyond the JS safe range', () => {
  it('lists, shows and describes a pond whose newest oplog row was committed at 9.2e18 µs', async () => {
    const browser = memoryBrowser();
    const tab = browser.tab();
    expect((await tab.exec('init odd')).exitCode).toBe(0);
    await tab.exec('mkdir /a');
    // Craft: rewrite the newest commit's oplog file through the codec with a commit time of 9.2e18 µs (the year
    // ~293 500), and the commit's add action to match it, as a zip or a restore could bring it.
    const store = [...browser.host.stores.values()][0]!;
    const head = (await listCommitVersions(store)).at(-1)!;
    const commit = await readCommit(store, head);
    const add = commit.adds[0]!;
    const rows = (await decodeEntries(await store.read(add.path), add.path)).map((e) => ({ ...e, timestamp: 9.2e18 }));
    const bytes = await encodeEntries(rows);
    await store.write(add.path, bytes);
    add.size = bytes.length;
    add.tags = { ...add.tags, sha256: await sha256Hex(bytes) };
    commit.info.duckpond.timestampUs = 9.2e18;
    await store.write(logPath(head), encodeCommit(commit));

    const other = browser.tab(); // opens the pond from the store, as after a reload
    await other.openPond((await other.listPonds())[0]!.id);
    const when = isoFromMicros(9_200_000_000_000_000_000n, 0).replace('T', ' ').replace('Z', ''); // +29xxxx-…
    const list = await other.exec('list -l /**');
    expect(list).toMatchObject({ exitCode: 0, stderr: '' });
    expect(list.stdout).toContain(`v1   ${when} /a`);
    const show = await other.exec('show');
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain(`${when}  mkdir /a`);
    expect((await other.exec('describe /a')).exitCode).toBe(0);
    expect((await other.stat('/a')).modified).toBe(9.2e18);
  });

  it('describes Spark\'s INT96 series (up to 9089380393200000000 µs) and a year 1 … 9999 series exactly', async () => {
    const tab = memoryBrowser().tab();
    await tab.exec('init far');
    const files = [{ name: 'spark.parquet', data: spark() }, { name: 'far.parquet', data: farSeries() }];
    expect(await tab.exec('copy host:spark.parquet /s/ --format series --timestamp-column a', { files })).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await tab.exec('copy host:far.parquet /s/ --format series', { files })).toMatchObject({ exitCode: 0, stderr: '' });
    // Every one of these values is a whole second, so exact as a number (core/utc-micros.ts).
    const d = await tab.describe('/s/spark.parquet');
    expect(d.versions[0]).toMatchObject({ rows: 6, minEventTime: 1704070800000000, maxEventTime: 9089380393200000000 });
    expect(BigInt(d.versions[0]!.maxEventTime!)).toBe(9089380393200000000n);
    expect((await tab.exec('describe /s/spark.parquet')).stdout).toContain('2024-01-01 01:00:00 .. +290000-12-30 23:00:00');
    const far = await tab.describe('/s/far.parquet');
    expect(far.timestampColumn).toBe('timestamp');
    expect(far.versions[0]!.minEventTime).toBe(Number(FAR_TIMES[0]));
    expect(BigInt(far.versions[0]!.maxEventTime!)).toBe(FAR_TIMES[2]);
    expect((await tab.exec('describe /s/far.parquet')).stdout).toContain('0001-01-01 00:00:00 .. 9999-12-31 23:59:59');
    const list = await tab.exec('list -l /**');
    expect(list.exitCode).toBe(0);
    expect(list.stdout.split('\n').filter(Boolean)).toHaveLength(3);
  });
});
