// Rows → Export CSV over a real pond worker: text cells that begin like formulas come out neutralised, numbers not.
import { describe, expect, it } from 'vitest';
import { countRows, exportCsv } from '../../../src/ui/table-export';
import { connect } from '../../helpers/pond-clients';

describe('Export CSV', () => {
  it('prefixes formula-like text cells with a quote and leaves negative numbers alone', async () => {
    const c = connect();
    await c.api.createPond('export');
    const input = [
      'timestamp,note,v',
      '2024-01-01T00:00:00Z,"=HYPERLINK(""http://evil.example"",""x"")",-3.5',
      '2024-01-01T01:00:00Z,+cmd,-0.25',
      '2024-01-01T02:00:00Z,@SUM(A1),1.5',
      '2024-01-01T03:00:00Z,-2,-7',
      '2024-01-01T04:00:00Z,plain text,0',
    ].join('\n');
    await c.api.copyIn([{ name: 'notes.csv', data: new Blob([`${input}\n`]) }], '/n.series', { format: 'series' });
    const types = (await c.api.describe('/n.series')).columns.map((x) => x.type.toUpperCase());
    expect(types[2]).toMatch(/DOUBLE|FLOAT/); // v is numeric, note is text: what the rule tells apart
    const total = await countRows(c, '/n.series');
    const blob = await exportCsv(c, '/n.series', 'timestamp', total, () => undefined, new AbortController().signal);
    expect((await blob.text()).split('\n')).toEqual([
      'timestamp,note,v',
      `2024-01-01T00:00:00.000Z,"'=HYPERLINK(""http://evil.example"",""x"")",-3.5`,
      "2024-01-01T01:00:00.000Z,'+cmd,-0.25",
      "2024-01-01T02:00:00.000Z,'@SUM(A1),1.5",
      "2024-01-01T03:00:00.000Z,'-2,-7",
      '2024-01-01T04:00:00.000Z,plain text,0',
      '',
    ]);
  });
});
