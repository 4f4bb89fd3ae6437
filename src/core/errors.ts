import { redactSecrets } from "./redact.ts";

/**
 * The one error type that PAI's commands throw. Only `src/main.ts` catches it,
 * prints its message (and hint) on one or two lines and exits with its code.
 *
 * @example
 * ```ts
 * throw new PaiError(`Cannot read "config.json": line 3, column 7: unexpected token`, {
 *   exitCode: EXIT.CONFIG,
 *   hint: "Fix the file; PAI never rewrites a file it cannot parse",
 * });
 * ```
 */
export class PaiError extends Error {
  readonly exitCode: number;
  readonly hint?: string;

  constructor(message: string, options: PaiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "PaiError";
    this.exitCode = options.exitCode ?? EXIT.FAILURE;
    this.hint = options.hint;
  }
}

/** Options for {@linkcode PaiError}. */
export interface PaiErrorOptions {
  /** Process exit code; defaults to {@linkcode EXIT.FAILURE}. */
  exitCode?: number;
  /** What the user can do about it, printed on a second line. */
  hint?: string;
  cause?: unknown;
}

/**
 * Exit codes, stable so scripts can rely on them. This is their one source: the README's table of exit codes is
 * held to it by `errors_test.ts`.
 */
export const EXIT = {
  /** Done. */
  SUCCESS: 0,
  /** Any other failure, an internal error among them. */
  FAILURE: 1,
  /** Bad flags or arguments (a model the provider does not list, at `pai init`; PAI run without its permissions). */
  USAGE: 2,
  /** No provider set up yet, or a config, policy or state file is missing something or cannot be parsed. */
  CONFIG: 3,
  /** A credential is missing or was refused. */
  AUTH: 4,
  /** The provider answered with an error (a model it does not have, found at prompt time, among them). */
  PROVIDER: 5,
  /** The provider could not be reached. */
  NETWORK: 6,
  /** The policy refused: data that may not go to this provider, or safe mode. */
  POLICY: 7,
  /** A budget (`pai budget`) would be passed: nothing was sent (or an agent run stopped there, keeping its steps). */
  BUDGET: 8,
  /** The user interrupted (Ctrl+C), as shells report SIGINT. */
  INTERRUPTED: 130,
  /** Stdout was closed by its reader (`pai … | head`): PAI ended quietly, as shells report SIGPIPE. */
  BROKEN_PIPE: 141,
} as const;

/** The object `--json` prints for a failure, so that scripts can read what went wrong. */
export interface ErrorJson {
  message: string;
  exitCode: number;
  hint: string | null;
}

/** The `--json` form of an error, with secrets redacted as on stderr. */
export function errorJson(error: PaiError): ErrorJson {
  const hint = error.hint === undefined ? null : redactSecrets(error.hint);
  return { message: redactSecrets(error.message), exitCode: error.exitCode, hint };
}
