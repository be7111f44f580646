import { SessionjarError } from '../core/errors.js';
import type { RedisClient } from './redis-connect.js';

/** The names of the sessions under `prefix` (the hashes `<prefix>{name}`), sorted. */
export async function scanSessionNames(client: RedisClient, prefix: string): Promise<string[]> {
  const pattern = new RegExp(`^${prefix.replace(/[.]/g, '\\.')}\\{([^}]+)\\}$`);
  const names = new Set<string>();
  let cursor = '0';
  do {
    // Locks (`<prefix>{name}:lock:…`) match the glob too; TYPE and the pattern leave them out.
    const [next, keys] = await client.sendCommand<[string, string[]]>(['SCAN', cursor, 'MATCH', `${prefix}{*}`, 'COUNT', '500', 'TYPE', 'hash']);
    cursor = next;
    for (const key of keys) {
      const name = pattern.exec(key)?.[1];
      if (name) names.add(name);
    }
  } while (cursor !== '0');
  return [...names].sort();
}

export function sessionNotFound(ref: string, where: string, key: string): SessionjarError {
  return new SessionjarError(
    'SESSION_NOT_FOUND',
    `no session named "${ref}" in Redis at ${where} (key ${key}). Run \`sessionjar list --store ${where}\` to see its sessions, or \`sessionjar push ${ref} --store ${where}\` to copy one there from your session files.`,
    { details: { file: `${where} ${key}` } },
  );
}
