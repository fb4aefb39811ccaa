// Shell commands for backups: remote add|list|remove, push, pull/restore, verify, and zip snapshots.
import type { Command } from './commands';

export const REMOTE_COMMANDS: Record<string, Command> = {};
