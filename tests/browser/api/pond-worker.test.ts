// The whole path in real Chromium: UI-side client → comlink → pond worker → OPFS, DuckDB and parquet-wasm.
import { describe, expect, it, vi } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';


const csv = (text: string, name = 'part.csv') => ({ name, data: new Blob([text]) });
const rowsOf = async (c: PondClient, sql: string, path: string) => tableFromIPC((await c.api.query(sql, { source: path })).ipc).toArray().map((r) => r.toJSON());

const badParquet = import.meta.glob('../../../../shared/testdata/parquet/bad/*.parquet', { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const goodParquet = import.meta.glob('../../../../shared/testdata/parquet/good/*.parquet', { query: '?url', import: 'default', eager: true }) as Record<string, string>;
// maximum_line/* are bad only under a 10- or 20-byte line limit: the formats tests cover them with that option.
const rejects = import.meta.glob(['../../../../shared/testdata/csv/rejects/**/*.csv', '!**/maximum_line/**'], { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const fetchFile = async (url: string, path: string) => ({ name: path.split('/').pop()!, data: await (await fetch(url)).blob() });

describe('series through the pond worker', () => {
  it('three 4-row CSVs copied as one series give 3 versions and 12 rows, queried with SQL', async () => {
    const c = connect();
    await c.api.createPond('series');
    for (let part = 0; part < 3; part++) {
      const lines = [0, 1, 2, 3].map((i) => `2024-01-0${part + 1}T0${i}:00:00Z,${part * 4 + i}.5`);
      await c.api.copyIn([csv(`timestamp,temp\n${lines.join('\n')}\n`)], '/s/temp.series', { format: 'series' });
    }
    expect((await c.api.versions('/s/temp.series')).map((v) => v.version)).toEqual([1, 2, 3]);
    expect(await rowsOf(c, 'SELECT count(*)::INTEGER AS n, min(temp) AS lo, max(temp) AS hi FROM source', '/s/temp.series')).toEqual([{ n: 12, lo: 0.5, hi: 11.5 }]);
    const d = await c.api.describe('/s/temp.series');
    expect(d.timestampColumn).toBe('timestamp');
    expect(d.versions.map((v) => v.rows)).toEqual([4, 4, 4]);
    expect(d.versions[0]!.minEventTime).toBe(Date.UTC(2024, 0, 1) * 1000);
    const page = await c.api.exec('cat /s/temp.series --format table --limit 2 --offset 5');
    expect(page.stdout).toMatch(/^timestamp +\| temp\n[-+]+\n2024-01-02 01:00:00Z +\| 5\.5\n2024-01-02 02:00:00Z +\| 6\.5\n\(rows 6–7 of 12\)\n$/);
    const r = await c.api.exec('cat /s/temp.series --sql "SELECT count(*) AS n FROM source"');
    expect(r).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^n\s*\n-+\n12\s*\n\(1 row\)\n$/) });
  });

  it('a version that adds a column reads as null in older rows; a changed type is refused naming both types', async () => {
    const c = connect();
    await c.api.createPond('schema');
    await c.api.copyIn([csv('timestamp,a\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00Z,2\n')], '/x.series', { format: 'series' });
    await c.api.copyIn([csv('timestamp,a,b\n2024-01-02T00:00:00Z,3,30\n')], '/x.series', { format: 'series' });
    expect(await rowsOf(c, 'SELECT a::INTEGER AS a, b::INTEGER AS b FROM source ORDER BY timestamp', '/x.series')).toEqual([{ a: 1, b: null }, { a: 2, b: null }, { a: 3, b: 30 }]);
    const before = (await c.api.info()).version;
    const err = await c.api.copyIn([csv('timestamp,a\n2024-01-03T00:00:00Z,hello\n', 'strings.csv')], '/x.series', { format: 'series' }).catch((e) => e);
    expect(err.code).toBe('SCHEMA_MISMATCH');
    expect(err.message).toMatch(/strings\.csv.*"a".*(BIGINT|Int64|INTEGER|Int).*(VARCHAR|Utf8)/i);
    expect((await c.api.info()).version).toBe(before);
  });

  it('keeps duplicate and out-of-order times, and describe reports them', async () => {
    const c = connect();
    await c.api.createPond('order');
    const rows = ['2024-01-01T00:00:00Z,1', '2024-01-01T01:00:00Z,2', '2024-01-01T01:00:00Z,3', '2024-01-01T00:30:00Z,4', '2024-01-01T02:00:00Z,5'];
    await c.api.copyIn([csv(`timestamp,v\n${rows.join('\n')}\n`)], '/o.series', { format: 'series' });
    expect((await c.api.describe('/o.series')).versions[0]).toMatchObject({ rows: 5, outOfOrder: 1, duplicateTimes: 1 });
    expect((await c.api.exec('describe /o.series')).stdout).toMatch(/5 rows .*\(1 out of order, 1 duplicate times\)/);
    expect(await rowsOf(c, 'SELECT count(*)::INTEGER AS n FROM source', '/o.series')).toEqual([{ n: 5 }]);
  });

  it('streams a large import into a blob version', async () => {
    const c = connect();
    await c.api.createPond('large');
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(`${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${Math.sin(i)},${i % 7}`);
    await c.api.copyIn([csv(`timestamp,a,b\n${lines.join('\n')}\n`, 'large.csv')], '/l.series', { format: 'series' });
    const [v] = await c.api.versions('/l.series');
    expect(v!.size).toBeGreaterThan(64 * 1024); // stored as a hash-named blob, not inline
    expect(v!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await rowsOf(c, 'SELECT count(*)::INTEGER AS n, count(DISTINCT b)::INTEGER AS k FROM source', '/l.series')).toEqual([{ n: 200_000, k: 7 }]);
  });

  it('sql binds several pond files at once, each to its own table name', async () => {
    const c = connect();
    await c.api.createPond('join');
    await c.api.copyIn([csv('timestamp,site,temp\n2024-01-01T00:00:00Z,a,1.5\n2024-01-01T01:00:00Z,b,2.5\n')], '/t.series', { format: 'series' });
    await c.api.copyIn([csv('timestamp,site,name\n2024-01-01T00:00:00Z,a,Lake A\n2024-01-01T00:00:00Z,b,Lake B\n', 'sites.csv')], '/sites.series', { format: 'series' });
    const r = await c.api.exec(`sql "SELECT s.name, t.temp FROM t JOIN sites s USING (site) ORDER BY s.name" --table t=/t.series --table sites=/sites.series`);
    expect(r).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^name +\| temp\n[-+]+\nLake A +\| 1\.5\nLake B +\| 2\.5\n\(2 rows\)\n$/) });
    expect(await c.api.exec('sql "SELECT 1" --table bad')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/NAME=PATH/) });
    const err = await c.api.exec('sql "SELEC oops FROM t" --table t=/t.series');
    expect(err).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/syntax error.*\[QUERY\]/is) });
  });

  it('draws a plot with M4 and reports overlapping versions', async () => {
    const c = connect();
    await c.api.createPond('plot');
    const day = (d: number) => Array.from({ length: 48 }, (_, i) => `2024-03-0${d}T${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00Z,${Math.sin(i / 5)}`).join('\n');
    await c.api.copyIn([csv(`timestamp,v\n${day(1)}\n${day(2)}\n`)], '/p.series', { format: 'series' });
    await c.api.copyIn([csv(`timestamp,v\n${day(2)}\n`)], '/p.series', { format: 'series' });
    const plot = await c.api.plot('/p.series', ['v'], 10);
    expect(plot.x.length).toBeGreaterThan(0);
    expect(plot.x.length).toBeLessThanOrEqual(40);
    expect(plot.extent).toEqual([Date.UTC(2024, 2, 1) * 1000, Date.UTC(2024, 2, 2, 23, 30) * 1000]);
    expect((await c.api.describe('/p.series')).overlaps).toEqual([{ a: 1, b: 2, start: Date.UTC(2024, 2, 2) * 1000, end: Date.UTC(2024, 2, 2, 23, 30) * 1000 }]);
    expect((await c.api.exec('detect-overlaps /*.series')).stdout).toMatch(/\/p\.series: v1 and v2 overlap/);
  });
});

describe('copy options', () => {
  it('--skip-bad-lines keeps the good rows of a malformed CSV and lists the bad lines', async () => {
    const c = connect();
    await c.api.createPond('skip');
    const [, url] = Object.entries(rejects).find(([p]) => p.endsWith('small_mix.csv'))!;
    const file = await fetchFile(url, 'small_mix.csv');
    const refused = await c.api.exec('copy host:small_mix.csv /s.series --format series --timestamp-column a', { files: [file] });
    expect(refused).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/small_mix\.csv: 2 bad lines, nothing imported: line 3: too many columns.*line 4: missing columns/) });
    // Its columns are plain numbers: `a` is named as the time (epoch seconds), since a series needs one.
    const kept = await c.api.exec('copy host:small_mix.csv /s.series --format series --skip-bad-lines --timestamp-column a', { files: [file] });
    expect(kept).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/\/s\.series v1\n  time column a: epoch seconds, UTC\n  2 bad line\(s\) skipped: line 3 \(too many columns\); line 4 \(missing columns\)/) });
    expect(await rowsOf(c, 'SELECT count(*)::INTEGER AS n FROM source', '/s.series')).toEqual([{ n: 2 }]);
  });

  it('--timestamp-column and --timezone override detection and convert local times to UTC', async () => {
    const c = connect();
    await c.api.createPond('tz');
    const file = csv('reading,when\n1.5,2024-07-01 12:00:00\n2.5,2024-07-01 13:00:00\n', 'local.csv');
    const r = await c.api.exec('copy host:local.csv /l.series --format series --timestamp-column when --timezone Europe/Berlin', { files: [file] });
    expect(r.exitCode, r.stderr).toBe(0);
    const d = await c.api.describe('/l.series');
    expect(d.timestampColumn).toBe('when');
    expect(d.versions[0]!.minEventTime).toBe(Date.UTC(2024, 6, 1, 10) * 1000); // 12:00 CEST = 10:00 UTC
    const bad = await c.api.exec('copy host:local.csv /m.series --format series --timezone Mars/Olympus', { files: [file] });
    expect(bad).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/Mars\/Olympus/) });
  });
});

describe('bad input through the pond worker leaves the pond unchanged', () => {
  it.each(Object.entries(badParquet))('refuses %s as a table with a clear error', async (path, url) => {
    const c = connect();
    await c.api.createPond('bad');
    const file = await fetchFile(url, path);
    const err = await c.api.copyIn([file], '/t', { format: 'table' }).catch((e) => e);
    if (file.name === 'ARROW-GH-43605.parquet' && !(err instanceof Error)) return; // the README allows reading it; it must not crash
    expect(err.code).toBe('BAD_PARQUET');
    expect(err.message).toContain(file.name);
    expect((await c.api.info()).version).toBe(0);
    expect(await c.api.list('/*')).toEqual([]);
  });

  it.each(Object.entries(goodParquet))('imports %s as a table', async (path, url) => {
    const c = connect();
    await c.api.createPond('good');
    const file = await fetchFile(url, path);
    const [n] = await c.api.copyIn([file], '/t', { format: 'table' });
    expect(n!.type).toBe('file:table');
    const rows = (await c.api.query('SELECT count(*)::INTEGER AS n FROM source', { source: '/t' })).ipc;
    expect(tableFromIPC(rows).get(0)!.toJSON().n).toBeGreaterThan(0);
  });

  // As a table: these files hold no times, and a series without a time column is refused before the lines are read.
  it.each(Object.entries(rejects))('refuses %s as a table, naming the file and its bad lines', async (path, url) => {
    const c = connect();
    await c.api.createPond('rejects');
    const file = await fetchFile(url, path);
    const err = await c.api.copyIn([file], '/s', { format: 'table' }).catch((e) => e);
    expect(err.code).toBe('BAD_CSV');
    expect(err.message).toContain(file.name);
    expect(err.message).toMatch(/line \d+/);
    expect((await c.api.info()).version).toBe(0);
  });
});

describe('tabs and workers', () => {
  it('deletes the pond this tab has open (its own writer lock is released first)', async () => {
    const c = connect();
    const { id } = await c.api.createPond('short-lived');
    await c.api.writeFile('/x', new Blob(['x']));
    await c.api.deletePond(id);
    expect((await c.api.listPonds()).map((p) => p.id)).not.toContain(id);
    await expect(c.api.info()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses to delete a pond another tab is writing, naming why', async () => {
    const writer = connect();
    const { id } = await writer.api.createPond('busy');
    const other = connect();
    await expect(other.api.deletePond(id)).rejects.toMatchObject({ code: 'LOCKED', message: expect.stringMatching(/another tab/) });
    expect((await writer.api.listPonds()).map((p) => p.id)).toContain(id);
  });

  it('persists in OPFS; a second tab is read-only, sees commits, and becomes the writer when the first goes away', async () => {
    const first = connect();
    const { id } = await first.api.createPond('shared');
    await first.api.writeFile('/hello.txt', new Blob(['hi']));
    const second = connect();
    const info = await second.api.openPond(id);
    expect(info).toMatchObject({ readOnly: true, version: 1 });
    expect(new TextDecoder().decode(await second.api.readFile('/hello.txt'))).toBe('hi');
    const { proxy } = await import('comlink');
    const seen: { version: number; readOnly: boolean }[] = [];
    await second.api.subscribe(proxy((i: { version: number; readOnly: boolean }) => void seen.push(i)));
    await first.api.mkdir('/more');
    await vi.waitFor(() => expect(seen.at(-1)?.version).toBe(2), { timeout: 10_000 });
    first.worker.terminate(); // the tab closes: its Web Lock is released
    await vi.waitFor(() => expect(seen.at(-1)?.readOnly).toBe(false), { timeout: 10_000 });
    await second.api.mkdir('/mine-now');
    expect((await second.api.list('/*')).map((n) => n.path)).toEqual(['/hello.txt', '/mine-now', '/more']);
  });

  it('survives the worker being killed in the middle of a large commit: before or after, and writable', async () => {
    const first = connect();
    const { id } = await first.api.createPond('crash');
    await first.api.writeFile('/kept.txt', new Blob(['kept']));
    const big = new Blob([new Uint8Array(96 * 1024 * 1024).fill(7)]);
    let progressed = false;
    const writing = first.longOp((op) => first.api.writeFile('/big.bin', big, op), { onProgress: () => { progressed = true; } }).catch(() => 'killed');
    await vi.waitFor(() => expect(progressed).toBe(true), { timeout: 20_000 });
    first.worker.terminate();
    await Promise.race([writing, new Promise((r) => setTimeout(r, 100))]);
    const second = connect();
    await second.api.openPond(id);
    // The dead worker's Web Lock is released asynchronously: the new tab may start read-only, then is promoted.
    await vi.waitFor(async () => expect((await second.api.info()).readOnly).toBe(false), { timeout: 10_000 });
    const info = await second.api.info();
    const paths = (await second.api.list('/*')).map((n) => n.path);
    expect(paths.includes('/kept.txt')).toBe(true);
    if (paths.includes('/big.bin')) expect((await second.api.stat('/big.bin')).size).toBe(96 * 1024 * 1024);
    else expect(info.version).toBe(1);
    await second.api.writeFile('/after.txt', new Blob(['after']));
    expect(new TextDecoder().decode(await second.api.readFile('/kept.txt'))).toBe('kept');
  });
});
