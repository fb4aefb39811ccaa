import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../../src/core/serial-queue';

describe('SerialQueue', () => {
  it('runs jobs one at a time in queue order; a failure fails only its own caller', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let release!: () => void;
    const first = q.run(async () => { log.push('1 start'); await new Promise<void>((r) => { release = r; }); log.push('1 end'); return 1; });
    const second = q.run(() => { log.push('2'); throw new Error('two fails'); });
    const third = q.run(() => { log.push('3'); return 3; });
    await Promise.resolve();
    expect(q.pending).toBe(3);
    expect(log).toEqual(['1 start']); // 2 and 3 wait for 1
    release();
    expect(await first).toBe(1);
    await expect(second).rejects.toThrow('two fails');
    expect(await third).toBe(3);
    expect(log).toEqual(['1 start', '1 end', '2', '3']);
    expect(q.pending).toBe(0);
  });
});
