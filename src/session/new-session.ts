import { GENERATOR } from '../core/version.js';
import type { Session } from './schema/index.js';

/** A blank, valid session named `name`, stamped now. */
export function newSession(name: string, now = new Date()): Session {
  const at = now.toISOString();
  return {
    version: 1,
    generator: GENERATOR,
    name,
    createdAt: at,
    updatedAt: at,
    cookies: [],
    origins: [],
    headers: { default: {}, origins: {}, rules: [] },
  };
}

/** Marks a session as written now by this sessionjar. */
export function touch(session: Session, now = new Date()): Session {
  return { ...session, generator: GENERATOR, updatedAt: now.toISOString() };
}
