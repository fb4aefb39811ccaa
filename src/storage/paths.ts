// Store paths: '/'-separated, relative to the store's root. Shared by every Store so they agree on what a path is.
import { PondError } from '../core/errors';

/**
 * Splits a store path into its names. Leading/trailing '/' are ignored; '' (or '/') is the root.
 * '.', '..' and empty segments are refused: a store path is already normalised by the layers above,
 * so one of these means a bug, and letting '..' through would escape the pond's folder in OPFS.
 */
export function splitStorePath(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return [];
  const names = trimmed.split('/');
  for (const n of names) {
    if (n === '' || n === '.' || n === '..') {
      throw new PondError('INVALID_INPUT', `store path ${JSON.stringify(path)} has an empty, '.' or '..' segment`, { detail: { path } });
    }
  }
  return names;
}

/** The parent folder's names and the last name of a file path; INVALID_INPUT for the root, which is no file. */
export function splitFilePath(path: string): { dir: string[]; name: string } {
  const names = splitStorePath(path);
  const name = names.pop();
  if (name === undefined) throw new PondError('INVALID_INPUT', 'the store root is not a file', { detail: { path } });
  return { dir: names, name };
}

/** Shared argument check for readRange: negative or fractional numbers are a caller bug. */
export function checkRange(path: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new PondError('INVALID_INPUT', `reading ${path}: bad range offset=${offset} length=${length}`, { detail: { path, offset, length } });
  }
}
