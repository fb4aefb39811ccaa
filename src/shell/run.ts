// Runs one command line: `{stdout, stderr, exitCode}` like a process, so scripts (window.pond.exec) and the UI's
// shell panel can show results and branch on success. Exit codes: 0 ok, 2 usage, 1 any other error.
import { PondError, errorText } from '../core/errors';
import type { ExecResult, PondApi } from '../api/pond-api';
import { COMMANDS, type Command, type ShellContext } from './commands';
import { REMOTE_COMMANDS } from './commands-remote';
import { COLLECT_COMMANDS } from './commands-collect';
import { CHECK_COMMANDS } from './commands-check';

/** Every command, by name: the core file commands plus the remote, collect and check families, each in its own file. */
const ALL: Record<string, Command> = { ...COMMANDS, ...REMOTE_COMMANDS, ...COLLECT_COMMANDS, ...CHECK_COMMANDS };
import { tokenize } from './tokenize';

export async function runCommandLine(api: PondApi, line: string, files: { name: string; data: Blob }[] = []): Promise<ExecResult> {
  const ctx: ShellContext = { api, files, out: [], downloads: [] };
  try {
    const words = tokenize(line);
    if (words[0] === 'pond') words.shift(); // `pond list` as in the original CLI, or just `list`
    const [name, ...args] = words;
    if (!name) return { stdout: '', stderr: '', exitCode: 0 };
    if (name === 'help') return { stdout: helpText(), stderr: '', exitCode: 0 };
    const command = ALL[name];
    if (!command) throw new PondError('USAGE', `unknown command ${JSON.stringify(name)}; try help`);
    await command.run(ctx, args);
    return { stdout: joinLines(ctx.out), stderr: '', exitCode: 0, ...(ctx.downloads.length ? { downloads: ctx.downloads } : {}) };
  } catch (e) {
    const message = errorText(e);
    const code = e instanceof PondError && e.code === 'USAGE' ? 2 : 1;
    return { stdout: joinLines(ctx.out), stderr: `${message}\n`, exitCode: code };
  }
}

function joinLines(lines: string[]): string {
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function helpText(): string {
  const rows = Object.entries(ALL).map(([, c]) => `  ${c.usage.padEnd(48)} ${c.summary}`);
  return `commands:\n${rows.join('\n')}\n`;
}
