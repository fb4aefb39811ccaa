import { describe, expect, it } from 'vitest';
import { Field, Schema, tableFromArrays, TimestampMicrosecond, List, Int32, Struct, Utf8, DateDay, Dictionary, Int8, Decimal } from 'apache-arrow';
import { parquetToArrow } from '../../../src/formats/parquet';
import { collectSink, writeParquetStream } from '../../../src/formats/parquet-stream';
import { describeSchema, describeType } from '../../../src/formats/schema';

describe('describeSchema', () => {
  it('names columns and types in words', () => {
    const s = new Schema([
      new Field('timestamp', new TimestampMicrosecond(), false),
      new Field('zoned', new TimestampMicrosecond('UTC'), true),
      new Field('tags', new List(new Field('item', new Int32(), true)), true),
      new Field('loc', new Struct([new Field('name', new Utf8(), true)]), true),
      new Field('day', new DateDay(), true),
      new Field('site', new Dictionary(new Utf8(), new Int8()), true),
      new Field('d', new Decimal(2, 4, 128), true),
    ]);
    expect(describeSchema(s)).toEqual([
      { name: 'timestamp', type: 'timestamp (µs, UTC by convention)', nullable: false },
      { name: 'zoned', type: 'timestamp (µs, UTC)', nullable: true },
      { name: 'tags', type: 'list of int32', nullable: true },
      { name: 'loc', type: 'struct {name: text}', nullable: true },
      { name: 'day', type: 'date', nullable: true },
      { name: 'site', type: 'text', nullable: true },
      { name: 'd', type: 'decimal(4, 2)', nullable: true },
    ]);
    expect(describeSchema(tableFromArrays({ v: Float64Array.from([1]) }))).toMatchObject([{ name: 'v', type: 'float64' }]);
    expect(describeType(new Int32())).toBe('int32');
  });
});

describe('writeParquetStream (node)', () => {
  async function* batchesOf(n: number, per: number) {
    for (let i = 0; i < n; i += per) {
      const len = Math.min(per, n - i);
      yield* tableFromArrays({ i: Int32Array.from({ length: len }, (_, k) => i + k), v: Float64Array.from({ length: len }, (_, k) => (i + k) / 2) }).batches;
    }
  }
  it('streams many batches into one file of bounded row groups, in several chunks', async () => {
    const chunks: Uint8Array[] = [];
    const { sink, bytes } = collectSink();
    const r = await writeParquetStream(batchesOf(300_000, 2048), (c) => { chunks.push(c); return sink(c); }, { rowGroupRows: 100_000 });
    expect(r.rows).toBe(300_000);
    expect(chunks.length).toBeGreaterThan(1);
    const t = await parquetToArrow(bytes());
    expect(r.bytes).toBe(bytes().length);
    expect(t.numRows).toBe(300_000);
    expect(t.getChild('i')!.get(299_999)).toBe(299_999);
  });
  it('writes a valid 0-row file from the schema when there are no batches', async () => {
    const { sink, bytes } = collectSink();
    const schema = new Schema([new Field('a', new Int32(), true)]);
    const r = await writeParquetStream((async function* () {})(), sink, { schema: () => schema });
    expect(r.rows).toBe(0);
    const t = await parquetToArrow(bytes());
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['a']);
  });
  it('stops with ABORTED, and passes a source error through unchanged', async () => {
    const ac = new AbortController();
    async function* slow() { let n = 0; for await (const b of batchesOf(100_000, 1000)) { if (++n === 3) ac.abort(); yield b; } }
    await expect(writeParquetStream(slow(), () => {}, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    async function* broken() { yield* batchesOf(10, 10); throw new Error('source broke'); }
    await expect(writeParquetStream(broken(), () => {})).rejects.toThrow('source broke');
  });
});
