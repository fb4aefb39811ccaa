// Shell commands for configured nodes: mknod (collectors, derived series), run, export.
import type { Command } from './commands';

export const COLLECT_COMMANDS: Record<string, Command> = {};
