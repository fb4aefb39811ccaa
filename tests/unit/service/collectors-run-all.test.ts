// A scheduled run records every node's outcome: a node whose stored config no longer parses shows that error in its
// status (it used to vanish), and the other nodes still run.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryBrowser } from '../../helpers/memory-service';

afterEach(() => vi.useRealTimers());

describe('scheduled runs', () => {
  it('a config that fails to load is recorded as that node\'s failure', async () => {
    vi.useFakeTimers();
    const svc = memoryBrowser().tab();
    await svc.createPond('p');
    // What an older version or another tool could have stored: a temporal-reduce node whose YAML is not valid.
    await svc.pond.transact('mknod', (tx) => tx.writeFile('/reduce.yaml', 'file:data', new TextEncoder().encode('input: [unclosed'), { attrs: { factory: 'temporal-reduce' } }));
    await svc.scheduleCollectors(1);
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(async () => expect((await svc.collectorStatus()).nodes.length).toBe(1));
    const [node] = (await svc.collectorStatus()).nodes;
    expect(node).toMatchObject({ path: '/reduce.yaml', running: false, ok: false, message: expect.stringMatching(/temporal-reduce config: not valid YAML/) });
    await svc.scheduleCollectors(null);
  });
});
