// Shell commands for cross-pond imports (issue 13): `remote import NAME POND_ID PATH`, `remote import-pull [PATH]`,
// `remote imports`, `remote import-remove PATH` (plain `rm PATH` of a mount removes it too).
import { PondError } from '../core/errors';
import type { ImportSummary } from '../api/pond-api';
import type { ShellContext } from './commands';

export const IMPORT_USAGE = 'remote import NAME POND_ID PATH | remote import-pull [PATH] | remote imports | remote import-remove PATH';

function line(r: ImportSummary): string {
  if (r.before === null) return `imported pond ${r.pondId} from ${r.remote} at ${r.path} (version ${r.version}; ${r.fetched} files fetched to this device)`;
  if (r.committed) return `${r.path}: pond ${r.pondId} from ${r.remote} now at version ${r.version} (was ${r.before}; ${r.fetched} files fetched)`;
  return `${r.path}: pond ${r.pondId} from ${r.remote} at version ${r.version}${r.fetched ? ` (${r.fetched} files fetched)` : ' (up to date)'}`;
}

/** Runs `remote SUB …` when SUB is an import subcommand; false when it is not one. */
export async function importSubcommand(ctx: ShellContext, sub: string | undefined, rest: string[]): Promise<boolean> {
  if (sub === 'import') {
    if (rest.length !== 3) throw new PondError('USAGE', 'usage: remote import NAME POND_ID PATH (e.g. remote import lab 0190… /imports/site-c)');
    ctx.out.push(line(await ctx.api.importPond(rest[0]!, rest[1]!, rest[2]!)));
    return true;
  }
  if (sub === 'import-pull') {
    if (rest.length > 1) throw new PondError('USAGE', 'usage: remote import-pull [PATH]');
    const all = await ctx.api.refreshImports(rest.length ? { path: rest[0]! } : {});
    if (all.length === 0) ctx.out.push('this pond has no imports; make one with: remote import NAME POND_ID PATH');
    ctx.out.push(...all.map(line));
    return true;
  }
  if (sub === 'imports') {
    if (rest.length) throw new PondError('USAGE', 'usage: remote imports');
    const all = await ctx.api.listImports();
    if (all.length === 0) ctx.out.push('this pond has no imports');
    for (const i of all) ctx.out.push(i.problem !== undefined ? `${i.path}\tbad config: ${i.problem}` : `${i.path}\t${i.remote}\t${i.pondId}\tversion ${i.version}`);
    return true;
  }
  if (sub === 'import-remove') {
    if (rest.length !== 1) throw new PondError('USAGE', 'usage: remote import-remove PATH');
    await ctx.api.removeImport(rest[0]!);
    ctx.out.push(`removed the import at ${rest[0]} (the imported pond stays on this device)`);
    return true;
  }
  return false;
}
