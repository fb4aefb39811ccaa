// Shell command for checking the open pond: fsck [--quick].
import { PondError } from '../core/errors';
import type { Command } from './commands';
import { parseArgs } from './tokenize';

export const CHECK_COMMANDS: Record<string, Command> = {
  fsck: {
    usage: 'fsck [--quick]',
    summary: 'check the open pond by the rules import and restore apply (--quick: do not re-hash blobs); print its content root',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--quick']);
      if (positional.length) throw new PondError('USAGE', `usage: ${CHECK_COMMANDS.fsck!.usage}`);
      const r = await ctx.api.fsck({ quick: flags.has('--quick') });
      // One problem a line, made printable: a crafted name must not forge lines of its own.
      for (const p of r.problems) ctx.out.push(JSON.stringify(`${p.file ? `${p.file}${p.where ? ` ${p.where}` : ''}: ` : ''}${p.message} (rule ${p.rule})`).slice(1, -1));
      if (r.moreProblems) ctx.out.push(`… and ${r.moreProblems} more problems`);
      const c = r.checked;
      ctx.out.push(`checked version ${r.version}: ${c.commits} commits, ${c.oplogFiles} oplog files, ${c.rows} rows, ${c.nodes} entries, ${c.blobs} blobs${r.quick ? ' (not re-hashed: --quick)' : ` (${c.blobBytesHashed} bytes hashed)`}`);
      ctx.out.push(`content root ${r.root ?? '(none: the tree cannot be read)'}`);
      if (!r.ok) throw new PondError('CORRUPT', `fsck found ${r.problems.length + r.moreProblems} problem${r.problems.length + r.moreProblems === 1 ? '' : 's'} in the pond`);
    },
  },
};
