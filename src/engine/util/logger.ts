/**
 * The logging the engine needs, with levels. The extension passes its LogOutputChannel,
 * the CLI a stderr writer. Messages never carry secrets: no TLS keys, no auth headers.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything, for callers that want none. */
export const SILENT_LOGGER: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
