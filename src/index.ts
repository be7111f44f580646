/**
 * sessionjar's library API, picked by hand. Everything here is documented in the README's
 * "Library API" section.
 *
 * @example
 * ```ts
 * import { openSession } from 'sessionjar';
 * const session = await openSession('github');
 * try {
 *   const res = await session.fetch('https://github.com/settings/profile');
 * } finally {
 *   await session.close();
 * }
 * ```
 */

export { openSession, type OpenSessionOptions } from './refresh/open.js';
export { openSessionFrom } from './replay/client.js';
export { createRefresher, refreshSession, type RefreshOptions, type RefresherOptions, type RefreshResult, type StrategyId } from './refresh/refresher.js';
export { sessionStatus, STATUS_EXIT_CODES, type SessionStatus } from './refresh/status.js';
export { sessionExpiry, type Expiry, type ExpiryState } from './session/expiry.js';
export { isLoggedOut, loggedOutReason, type ObservedResponse } from './session/logged-out.js';
export type { SessionClient as Session, ReplayRequestOptions, ReplayResponse } from './replay/client.js';
export type { CookieAccess } from './replay/jar.js';
export type { ClientOptions, Refresher, RefreshReason, ReplayEvent, RetryOptions, Timeouts } from './replay/options.js';
export type { Session as SessionFile, Cookie } from './session/schema/index.js';
export { openPool, Pool, type PoolOptions, type PoolRequestOptions, type PoolResponse } from './pool/pool.js';
export { poolStatus, resetPool, type PoolMemberStatus, type PoolStatus, type PoolStatusOptions } from './pool/status.js';
export { FilePoolState } from './pool/file-state.js';
export { MemoryPoolState } from './pool/memory-state.js';
export { RedisPoolState } from './pool/redis-state.js';
export type { MemberState, MemberStatus, Outcome, PickStrategy, PoolLimits, PoolSnapshot, PoolState, PoolStateEvent, StateChange, TakeRequest, TakeResult } from './pool/types.js';
export { SessionjarError, isSessionjarError, type ErrorCode } from './core/errors.js';
export { FileStore, type FileStoreOptions, type WithLockOptions } from './store/file-store.js';
export { MemoryStore } from './store/memory-store.js';
export { defaultStore } from './store/default-store.js';
export { openStore, type ClosableStore, type OpenStoreOptions } from './store/open-store.js';
export { RedisStore, type RedisStoreOptions } from './store/redis-store.js';
export type { RedisConnectOptions } from './store/redis-connect.js';
export type { SaveOptions, SessionEntry, SessionStore } from './store/types.js';
export { envKeyProvider, fixedKeyProvider, type EnvKeyOptions, type KeyProvider } from './store/keys.js';
export type { KeySource } from './session/envelope.js';
export { runDoctor, type DoctorCheck, type DoctorOptions, type DoctorReport } from './record/doctor.js';
export { recordSession, type RecordOptions, type RecordResult } from './record/record.js';
export type { RecordSummary } from './record/summary.js';
export { loginWithRecipe, type LoginOptions } from './record/login.js';
export { applyToContext } from './record/apply.js';
export {
  exportSession,
  importSession,
  sniffFormat,
  fromHttpie,
  fromNetscape,
  fromPlaywright,
  toCookieHeader,
  toHttpie,
  toNetscape,
  toPlaywright,
  type ConversionReport,
  type ExportFormat,
  type ImportFormat,
  type LostItem,
  type StorageState,
} from './session/convert/index.js';
export { serveSession, type Gateway, type ServeOptions } from './serve/gateway.js';
export type { LogEntry } from './serve/forward.js';
export { jarToSessionCookies, sessionCookiesToJar } from './replay/jar-convert.js';
