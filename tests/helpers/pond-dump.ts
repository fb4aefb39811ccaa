// A canonical text picture of a pond's tree (paths, types, every version's hash and size), to compare states.
import type { Pond } from '../../src/pond/pond';
import { glob } from '../../src/tinyfs/resolve';

export function dumpPond(pond: Pond): string[] {
  return glob(pond.fs, '/**').map(({ segments, node }) => {
    const versions = node.type === 'directory'
      ? `children=${[...(node.children?.keys() ?? [])].sort().join(',')}`
      : node.versions.map((v) => `v${v.version}:${v.sha256 ?? new TextDecoder().decode(v.inline ?? new Uint8Array())}:${v.size}`).join(' ');
    return `/${segments.join('/')} ${node.type} ${versions}`;
  });
}
