import { PondError } from '../../core/errors';

/**
 * Keys whose integer values are identifiers. HydroVu location ids are near 2^53, where JSON.parse
 * silently rounds (9007199254740993 becomes …992), so these are turned into strings before parsing.
 */
export const ID_KEYS = ['id', 'locationId', 'parameterId', 'unitId'] as const;

// `"key"` + colon + a bare integer, ended by a delimiter. Inside a JSON string every `"` is escaped,
// so an unescaped `"id"` followed by `:` can only be a real object key: no string content is rewritten.
const BARE_ID = new RegExp(`("(?:${ID_KEYS.join('|')})"\\s*:\\s*)(-?\\d+)(?=\\s*[,}\\]])`, 'g');

/** Rewrites bare integer ids to JSON strings, keeping every digit. */
export function quoteIds(text: string): string {
  return text.replace(BARE_ID, '$1"$2"');
}

/** JSON.parse for untrusted API answers: ids kept exactly as strings; syntax errors name where the text came from. */
export function parseJsonKeepingIds(text: string, where: string): unknown {
  try {
    return JSON.parse(quoteIds(text));
  } catch (e) {
    throw new PondError('INVALID_INPUT', `${where}: the answer is not valid JSON (${(e as Error).message})`, {
      cause: e,
      detail: { where },
    });
  }
}
