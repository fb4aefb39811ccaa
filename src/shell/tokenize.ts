// Splits a command line into words like a POSIX shell does for the simple cases: blanks separate words,
// '…' quotes literally, "…" quotes with \" and \\ escapes, a backslash outside quotes escapes one character.
import { PondError } from '../core/errors';

export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new PondError('USAGE', `unterminated ' quote at column ${i + 1}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) j++;
        text += line[j];
      }
      if (j >= line.length) throw new PondError('USAGE', `unterminated " quote at column ${i + 1}`);
      word = (word ?? '') + text;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/**
 * Separates flags from positional words. `valued` lists the flags that take a value (`--limit 5` or `--limit=5`);
 * any flag not in `known` is a usage error naming it.
 */
export function parseArgs(words: string[], known: readonly string[], valued: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') { positional.push(...words.slice(i + 1)); break; }
    if (!w.startsWith('-') || w === '-') { positional.push(w); continue; }
    const [name, inline] = w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
    if (!known.includes(name!)) throw new PondError('USAGE', `unknown option ${name}`);
    if (valued.includes(name!)) {
      const value = inline ?? words[++i];
      if (value === undefined) throw new PondError('USAGE', `${name} needs a value`);
      flags.set(name!, value);
    } else flags.set(name!, true);
  }
  return { positional, flags };
}
