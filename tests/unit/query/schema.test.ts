import { describe, expect, it } from 'vitest';
import { Field, Float64, Int32, Int64, LargeUtf8, Schema, Timestamp, TimeUnit, Type, Utf8, makeData, makeVector, Table } from 'apache-arrow';
import { isPondError, PondError } from '../../../src/core/errors';
import { checkSchemaCompatible, logicalType, mergedSchema, withoutTimeZones } from '../../../src/query/schema';

const schema = (...fields: [string, import('apache-arrow').DataType][]) => new Schema(fields.map(([n, t]) => new Field(n, t, true)));

describe('checkSchemaCompatible', () => {
  it('accepts new and dropped columns', () => {
    const a = schema(['ts', new Timestamp(TimeUnit.MICROSECOND)], ['v', new Float64()]);
    expect(() => checkSchemaCompatible(a, schema(['ts', new Timestamp(TimeUnit.MICROSECOND)], ['v', new Float64()], ['w', new Int32()]))).not.toThrow();
    expect(() => checkSchemaCompatible(a, schema(['ts', new Timestamp(TimeUnit.MICROSECOND)]))).not.toThrow();
  });

  it('names the column and both types when a type changes', () => {
    const a = schema(['v', new Float64()], ['n', new Int32()]);
    let err: unknown;
    try {
      checkSchemaCompatible(a, schema(['v', new Utf8()], ['n', new Int64()]));
    } catch (e) {
      err = e;
    }
    expect(isPondError(err, 'SCHEMA_MISMATCH')).toBe(true);
    const e = err as PondError;
    expect(e.message).toMatch(/column "v" is Float64 in the series but Utf8/);
    expect(e.message).toMatch(/column "n" is Int32 in the series but Int64/);
    expect(e.detail?.conflicts).toHaveLength(2);
  });

  it('treats string encodings and timestamp units and zones as one type', () => {
    expect(logicalType(new LargeUtf8())).toBe(logicalType(new Utf8()));
    expect(logicalType(new Timestamp(TimeUnit.MILLISECOND, 'UTC'))).toBe(logicalType(new Timestamp(TimeUnit.MICROSECOND)));
    expect(() => checkSchemaCompatible(schema(['s', new Utf8()]), schema(['s', new LargeUtf8()]))).not.toThrow();
  });

  it('merges schemas in first-seen order', () => {
    const m = mergedSchema([schema(['ts', new Int64()], ['v', new Float64()]), schema(['w', new Int32()], ['v', new Float64()])]);
    expect(m.fields.map((f) => f.name)).toEqual(['ts', 'v', 'w']);
  });
});

describe('withoutTimeZones', () => {
  it('drops the zone of timestamp columns and keeps the values', () => {
    const values = BigInt64Array.from([1n, 2n, 3n]);
    const ts = makeVector(makeData({ type: new Timestamp(TimeUnit.MICROSECOND, 'UTC'), length: 3, data: values }));
    const t = withoutTimeZones(new Table({ ts, v: makeVector(Float64Array.from([1, 2, 3])) }));
    const type = t.schema.fields[0]!.type as Timestamp;
    expect(type.typeId).toBe(Type.Timestamp);
    expect(type.timezone).toBeNull();
    expect(type.unit).toBe(TimeUnit.MICROSECOND);
    expect(Array.from(t.getChild('ts')!.data[0]!.values as BigInt64Array)).toEqual([1n, 2n, 3n]);
    expect(t.getChild('v')!.toArray()).toEqual(Float64Array.from([1, 2, 3]));
  });
});
