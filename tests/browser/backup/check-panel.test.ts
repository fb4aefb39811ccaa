// "Check this pond" in <backup-panel> against the real pond worker: the result line with the content root fsck gives,
// and after a blob is damaged in OPFS, the list of problems naming the blob, its rule and both paths that use it.
import { describe, expect, it } from 'vitest';
import type { BackupPanel } from '../../../src/ui/backup-panel';
import { button, mountPanel } from './panel-helpers';
import { sha256Hex } from '../../../src/pond/hash';

/** The result (or error) line once it shows something other than `previous` (the last check's line). */
async function resultOf(el: BackupPanel, previous = ''): Promise<string> {
  const root = el.shadowRoot!;
  for (let i = 0; i < 600; i++) {
    await el.updateComplete;
    const text = root.querySelector('[data-testid="backup-result"]')?.textContent ?? root.querySelector('[role="alert"]')?.textContent ?? '';
    if (text && text !== previous) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no result');
}

describe('<backup-panel> Check this pond', () => {
  it('shows the content root, then the problems of a damaged blob with every path using it', async () => {
    const content = new Uint8Array(200_000).map((_, i) => (i * 13) & 0xff);
    const { c, el } = await mountPanel('to check', async (p) => {
      await p.api.writeFile('/a/x.bin', new Blob([content]), { parents: true });
      await p.api.writeFile('/b/y.bin', new Blob([content]), { parents: true });
    });
    const { id } = await c.api.info();

    const expected = await c.api.fsck();
    button(el.shadowRoot!, 'Check this pond').click();
    const ok = await resultOf(el);
    expect(ok).toContain('No problems in version');
    expect(ok).toContain(`Content root ${expected.root}`);

    const sha = await sha256Hex(content);
    const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('ponds')).getDirectoryHandle(id);
    const file = await (await (await (await dir.getDirectoryHandle('blobs')).getDirectoryHandle('sha256')).getDirectoryHandle(sha.slice(0, 2))).getFileHandle(sha);
    const w = await file.createWritable({ keepExistingData: true });
    await w.write({ type: 'write', position: 5, data: new Uint8Array([content[5]! ^ 0x80]) });
    await w.close();

    button(el.shadowRoot!, 'Quick check').click();
    const quick = await resultOf(el, ok);
    expect(quick).toMatch(/No problems in version .*\(not re-hashed\)/); // a quick check does not re-hash blobs
    button(el.shadowRoot!, 'Check this pond').click();
    expect(await resultOf(el, quick)).toMatch(/^\s*1 problem in version/);
    const items = [...el.shadowRoot!.querySelectorAll('[data-testid="check-problems"] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(items).toHaveLength(1);
    expect(items[0]).toContain(`blob-hash blobs/sha256/${sha.slice(0, 2)}/${sha}: does not match recorded hash`);
    expect(items[0]).toMatch(/\/a\/x\.bin v1, \/b\/y\.bin v1/);
  });
});
