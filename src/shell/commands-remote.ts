// Shell commands for backups: remote add|list|remove|ponds, push, pull, follow, restore, verify, and zip snapshots.
import { PondError } from '../core/errors';
import type { AutoPushInfo } from '../api/pond-api';
import type { Command, ShellContext } from './commands';
import { parseArgs } from './tokenize';
import { IMPORT_USAGE, importSubcommand } from './commands-imports';

const HOST = 'host:';

function usage(name: string): PondError {
  return new PondError('USAGE', `usage: ${REMOTE_COMMANDS[name]!.usage}`);
}

function value(flags: Map<string, string | true>, flag: string): string | undefined {
  const v = flags.get(flag);
  return typeof v === 'string' ? v : undefined;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

const REMOTE_USAGE = 'remote add NAME URL [--prefix P] [--key ID --secret S | --presign URL] [--region R] [--remember] | remote secret NAME SECRET [--remember] | remote list | remote remove NAME | remote ponds NAME | remote auto-push [NAME on|off]';

async function remoteCommand(ctx: ShellContext, words: string[]): Promise<void> {
  const [sub, ...rest] = words;
  if (sub === 'add') {
    const { positional, flags } = parseArgs(rest, ['--prefix', '--key', '--secret', '--presign', '--region', '--remember'], ['--prefix', '--key', '--secret', '--presign', '--region']);
    if (positional.length !== 2) throw new PondError('USAGE', 'usage: remote add NAME URL [--prefix P] [--key ID --secret S | --presign URL] [--region R] [--remember]');
    const key = value(flags, '--key'), secret = value(flags, '--secret'), presign = value(flags, '--presign');
    if (presign && (key || secret)) throw new PondError('USAGE', 'remote add: give --key/--secret or --presign, not both');
    if (!presign && (!key || !secret)) throw new PondError('USAGE', 'remote add: signing needs --key ID --secret S (both), or --presign URL');
    if (presign && flags.has('--remember')) throw new PondError('USAGE', 'remote add: --remember keeps a secret key; a presign endpoint has none');
    const r = await ctx.api.remoteAdd({
      name: positional[0]!, bucketUrl: positional[1]!,
      ...(flags.has('--prefix') ? { prefix: value(flags, '--prefix') } : {}),
      ...(presign ? { presignUrl: presign } : { accessKeyId: key, secretAccessKey: secret }),
      ...(flags.has('--region') ? { region: value(flags, '--region') } : {}),
      rememberSecret: flags.has('--remember'),
    });
    ctx.out.push(`added remote ${r.name}: ${r.bucketUrl}${r.prefix ? ` prefix ${r.prefix}` : ''} (${r.signing === 'keys' ? `secret ${r.secret === 'remembered' ? 'remembered on this device' : 'kept for this session only'}` : 'presign endpoint'})`);
    return;
  }
  if (sub === 'secret') {
    const { positional, flags } = parseArgs(rest, ['--remember'], []);
    if (positional.length !== 2) throw new PondError('USAGE', 'usage: remote secret NAME SECRET [--remember]');
    const r = await ctx.api.remoteSecret(positional[0]!, positional[1]!, { remember: flags.has('--remember') });
    ctx.out.push(`remote ${r.name}: secret ${r.secret === 'remembered' ? 'remembered on this device' : 'kept for this session only'}`);
    return;
  }
  if (sub === 'list' || sub === 'ls') {
    if (rest.length) throw new PondError('USAGE', 'usage: remote list');
    const all = await ctx.api.remoteList();
    if (all.length === 0) ctx.out.push('no remotes; add one with: remote add NAME URL --key ID --secret S');
    for (const r of all) {
      const how = r.signing === 'keys' ? `keys ${r.accessKeyId} (${r.region}), secret ${r.secret}` : `presign ${r.presignUrl}`;
      ctx.out.push(`${r.name}\t${r.bucketUrl}${r.prefix ? `/${r.prefix}` : ''}\t${how}`);
    }
    return;
  }
  if (sub === 'remove' || sub === 'rm') {
    if (rest.length !== 1) throw new PondError('USAGE', 'usage: remote remove NAME');
    await ctx.api.remoteRemove(rest[0]!);
    ctx.out.push(`removed remote ${rest[0]}`);
    return;
  }
  if (sub === 'ponds') {
    if (rest.length !== 1) throw new PondError('USAGE', 'usage: remote ponds NAME');
    const ids = await ctx.api.remotePonds(rest[0]!);
    if (ids.length === 0) ctx.out.push(`no pond backups on ${rest[0]}`);
    ctx.out.push(...ids);
    return;
  }
  if (sub === 'auto-push') return autoPushCommand(ctx, rest);
  if (await importSubcommand(ctx, sub, rest)) return;
  throw new PondError('USAGE', `usage: ${REMOTE_USAGE} | ${IMPORT_USAGE}`);
}

/** One line per auto-pushing remote: how far its backup is behind, and why it waits or stopped. */
export function autoPushLine(a: AutoPushInfo): string {
  const state = a.unpushed === 0 ? `backed up · version ${a.pushedVersion}` : `${a.unpushed} commit${a.unpushed === 1 ? '' : 's'} not backed up`;
  const extra = [
    a.pushing ? 'pushing now' : '',
    a.stopped ?? '',
    a.lastError && !a.stopped ? `last push failed: ${a.lastError}` : '',
    a.nextTry ? `next try ${new Date(a.nextTry).toISOString().slice(11, 19)} UTC` : '',
    a.waitingOnline ? 'waiting to be online' : '',
    !a.active && !a.stopped ? 'pushed by the tab writing this pond' : '',
  ].filter(Boolean);
  return `auto-push ${a.remote}: ${state}${extra.length ? ` (${extra.join('; ')})` : ''}`;
}

async function autoPushCommand(ctx: ShellContext, words: string[]): Promise<void> {
  if (words.length === 0) {
    const all = (await ctx.api.info()).autoPush ?? [];
    if (all.length === 0) ctx.out.push('no remote pushes this pond by itself; turn one on with: remote auto-push NAME on');
    ctx.out.push(...all.map(autoPushLine));
    return;
  }
  const [name, onOff] = words;
  if (words.length !== 2 || (onOff !== 'on' && onOff !== 'off')) throw new PondError('USAGE', 'usage: remote auto-push NAME on|off');
  const info = await ctx.api.autoPush(name!, onOff === 'on');
  const a = info.autoPush?.find((x) => x.remote === name);
  ctx.out.push(a ? `${autoPushLine(a)}; pushes after each commit while online` : `auto-push ${name}: off (push ${name} by hand)`);
}

async function restoreCommand(ctx: ShellContext, words: string[], name: string): Promise<void> {
  const { positional, flags } = parseArgs(words, ['--name'], ['--name']);
  if (positional.length !== 2) throw usage(name);
  const r = await ctx.api.restore(positional[0]!, positional[1]!, flags.has('--name') ? { name: value(flags, '--name') } : {});
  ctx.out.push(`restored pond ${r.name} (${r.id}) at version ${r.version}: ${r.files} files from ${positional[0]}`);
}

/** The remote a bare `pull` means: the one the pond follows, else the only one configured. */
async function defaultRemote(ctx: ShellContext): Promise<string> {
  const followed = (await ctx.api.info()).follow?.remote;
  if (followed) return followed;
  const all = await ctx.api.remoteList();
  if (all.length === 1) return all[0]!.name;
  throw new PondError('USAGE', `usage: pull NAME (${all.length === 0 ? 'no remote is configured: remote add NAME URL …' : `name one of: ${all.map((r) => r.name).join(', ')}`})`);
}

async function pullCommand(ctx: ShellContext, words: string[]): Promise<void> {
  const { positional, flags } = parseArgs(words, ['--name'], ['--name']);
  // `pull NAME POND_ID` is the older spelling of restore (a NEW pond), kept so scripts that used it still work.
  if (positional.length === 2) return restoreCommand(ctx, words, 'pull');
  if (positional.length > 1 || flags.size) throw usage('pull');
  const r = await ctx.api.pull(positional[0] ?? (await defaultRemote(ctx)));
  ctx.out.push(r.after === r.before
    ? `pond ${r.pondId} is up to date with ${r.remote} (version ${r.after})`
    : `pulled versions ${r.before + 1} to ${r.after} from ${r.remote}: ${r.fetched.length} objects (${bytes(r.bytesFetched)}); now at version ${r.after}`);
}

async function pushCommand(ctx: ShellContext, words: string[]): Promise<void> {
  const { positional, flags } = parseArgs(words, ['--rebase', '--as-new-pond', '--name'], ['--name']);
  if (positional.length !== 1 || (flags.has('--rebase') && flags.has('--as-new-pond')) || (flags.has('--name') && !flags.has('--as-new-pond'))) throw usage('push');
  const name = positional[0]!;
  if (flags.has('--as-new-pond')) {
    const f = await ctx.api.pushAsNewPond(name, flags.has('--name') ? { name: value(flags, '--name') } : {});
    ctx.out.push(`made pond ${f.name} (${f.id}), a copy of this pond at version ${f.version - 1} under a new pond id, and pushed it to ${f.remote}: ${f.sent} objects; this pond is unchanged (the new pond is in the pond list)`);
    return;
  }
  if (flags.has('--rebase')) {
    const r = await ctx.api.rebase(name);
    if (r.replayed.length > 0) {
      ctx.out.push(`rebased onto ${r.remote}: took its ${r.theirs} commits after version ${r.shared}, replayed this pond's ${r.replayed.length} transactions as versions ${r.replayed[0]!.to} to ${r.replayed[r.replayed.length - 1]!.to}`);
    } else if (r.after !== r.before) {
      ctx.out.push(`nothing to replay: pulled versions ${r.before + 1} to ${r.after} from ${r.remote}`);
    }
  }
  const r = await ctx.api.push(name);
  ctx.out.push(`pushed ${r.sent.length} objects (${bytes(r.bytesSent)}) to ${r.remote}; ${r.alreadyThere} already there`);
  if (r.remoteAhead) ctx.out.push(`note: the backup has newer commits than this pond; restore it elsewhere to see them`);
}

async function followCommand(ctx: ShellContext, words: string[]): Promise<void> {
  const { positional, flags } = parseArgs(words, ['--every', '--stop'], ['--every']);
  if (flags.has('--stop')) {
    if (positional.length || flags.has('--every')) throw usage('follow');
    await ctx.api.follow(null);
    ctx.out.push('stopped following: the pond is writable again on this device');
    return;
  }
  if (positional.length !== 1) throw usage('follow');
  const every = value(flags, '--every');
  const seconds = every === undefined ? undefined : Number(every);
  if (every !== undefined && !Number.isFinite(seconds)) throw new PondError('USAGE', `follow --every ${every}: give a number of seconds`);
  const info = await ctx.api.follow(positional[0]!, seconds === undefined ? {} : { everySeconds: seconds });
  ctx.out.push(`following ${info.follow?.remote ?? positional[0]} every ${info.follow?.everySeconds ?? seconds} s: read-only, pulls while online (follow --stop to write again)`);
}

export const REMOTE_COMMANDS: Record<string, Command> = {
  remote: {
    usage: 'remote add|secret|list|remove|ponds|import|import-pull|imports|import-remove …',
    summary: 'configure S3 backup remotes: add NAME URL [--prefix P] [--key ID --secret S | --presign URL] [--region R] [--remember]; secret NAME SECRET [--remember] gives a forgotten secret again; auto-push NAME on|off pushes the open pond after each commit; import NAME POND_ID PATH mounts another pond read-only at PATH, import-pull [PATH] brings imports up to date',
    run: remoteCommand,
  },
  push: {
    usage: 'push NAME [--rebase | --as-new-pond [--name N]]',
    summary: 'back up the open pond to remote NAME (sends only what the bucket lacks); when another device pushed under this pond id: --rebase replays this pond\'s transactions after the remote\'s, then pushes; --as-new-pond pushes a copy under a new pond id (this pond stays as it is)',
    run: pushCommand,
  },
  pull: {
    usage: 'pull [NAME] | pull NAME POND_ID [--name N]',
    summary: 'bring the open pond (a replica) up to its backup on remote NAME, fetching only the new commits; with POND_ID, restore that backup as a new local pond',
    run: pullCommand,
  },
  follow: {
    usage: 'follow NAME [--every SECONDS] | follow --stop',
    summary: 'make the open pond a read-only replica of its backup on NAME, pulled on opening and every SECONDS (default 60) while online',
    run: followCommand,
  },
  restore: {
    usage: 'restore NAME POND_ID [--name N]',
    summary: 'restore the backup of POND_ID from remote NAME as a new local pond',
    run: (ctx, words) => restoreCommand(ctx, words, 'restore'),
  },
  verify: {
    usage: 'verify NAME',
    summary: 'download the open pond\'s backup on remote NAME and compare it object by object',
    async run(ctx, words) {
      const { positional } = parseArgs(words, []);
      if (positional.length !== 1) throw usage('verify');
      const r = await ctx.api.verify(positional[0]!);
      for (const p of r.missing) ctx.out.push(`missing from the backup: ${p}`);
      for (const p of r.extra) ctx.out.push(`only in the backup: ${p}`);
      for (const c of r.corrupt) ctx.out.push(`damaged: ${c.key}: ${c.problem}`);
      if (!r.ok) {
        throw new PondError('CORRUPT', `backup of pond ${r.pondId} on ${r.remote} differs: ${r.missing.length} missing, ${r.extra.length} extra, ${r.corrupt.length} damaged; push again to repair`);
      }
      ctx.out.push(`backup of pond ${r.pondId} on ${r.remote} is complete: ${r.checked} objects match`);
    },
  },
  'export-zip': {
    usage: 'export-zip [--as-of N]',
    summary: 'download the open pond (or its version N) as a zip snapshot',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--as-of'], ['--as-of']);
      if (positional.length) throw usage('export-zip');
      let asOf: number | undefined;
      if (flags.has('--as-of')) {
        asOf = Number(value(flags, '--as-of'));
        if (!Number.isInteger(asOf) || asOf < 0) throw new PondError('USAGE', `--as-of needs a version number, not ${value(flags, '--as-of')}`);
      }
      const z = await ctx.api.exportZip(asOf === undefined ? {} : { asOf });
      ctx.downloads.push({ name: z.name, data: new Uint8Array(await z.blob.arrayBuffer()) });
      ctx.out.push(`${z.name}: version ${z.version}, ${z.files} files, ${bytes(z.blob.size)} (download)`);
    },
  },
  'import-zip': {
    usage: 'import-zip host:FILE [--name N]',
    summary: 'import an attached zip snapshot as a new local pond',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--name'], ['--name']);
      if (positional.length !== 1 || !positional[0]!.startsWith(HOST)) throw usage('import-zip');
      const fileName = positional[0]!.slice(HOST.length);
      const file = ctx.files.find((f) => f.name === fileName);
      if (!file) {
        const have = ctx.files.map((f) => f.name).join(', ') || 'none';
        throw new PondError('NOT_FOUND', `import-zip: no attached file named ${fileName} (attached: ${have})`);
      }
      const r = await ctx.api.importZip(file.data, flags.has('--name') ? { name: value(flags, '--name') } : {});
      ctx.out.push(`imported pond ${r.name} (${r.id}) at version ${r.version}: ${r.files} files`);
    },
  },
};
