import { z } from 'zod';
import { SessionjarError } from '../core/errors.js';
import { SessionSchema, type Session } from '../session/schema/index.js';

/** Every store checks a session before it writes it: an invalid document never reaches storage. */
export function validateForSave(session: Session, location: string): Session {
  const result = SessionSchema.safeParse(session);
  if (result.success) return result.data;
  throw new SessionjarError(
    'SESSION_INVALID',
    `refusing to write ${location}: the session is not valid:\n${z.prettifyError(result.error)}\nNothing was written; the file on disk is unchanged.`,
    { details: { file: location } },
  );
}
