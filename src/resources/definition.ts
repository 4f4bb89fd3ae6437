/**
 * Checks a resource definition before it is stored: each kind's flags, its
 * URI, and the variables it names. Every error names the flag to fix.
 * Credentials are never stored: a URI carrying a password is refused.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import type { Label, Resource, ResourceKind } from "../core/types.ts";
import { absolute } from "../tools/resolve_paths.ts";

/** What `pai resource add|update` was given. */
export interface DefinitionInput {
  kind: ResourceKind;
  uri?: string;
  text?: string;
  env?: string;
  label: Label;
  description?: string;
  default?: boolean;
}

function usage(message: string, hint?: string): PaiError {
  return new PaiError(message, { exitCode: EXIT.USAGE, hint });
}

const SQLITE_HEADER = "SQLite format 3\0";

/** Whether `path` starts with SQLite's header (an empty file is a new database, also fine). */
function isSqlite(path: string): boolean {
  const file = Deno.openSync(path, { read: true });
  try {
    const head = new Uint8Array(16);
    const n = file.readSync(head) ?? 0;
    return n === 0 || new TextDecoder().decode(head.subarray(0, n)) === SQLITE_HEADER;
  } finally {
    file.close();
  }
}

async function realExisting(raw: string, kind: ResourceKind, cwd: string): Promise<string> {
  let path: string;
  let info: Deno.FileInfo;
  try {
    path = await Deno.realPath(absolute(raw, cwd));
    info = await Deno.stat(path);
  } catch {
    throw usage(`--uri "${raw}": no such ${kind === "folder" ? "folder" : "file"}`);
  }
  const wantsFile = kind !== "folder";
  if (wantsFile !== info.isFile) {
    throw usage(
      `--uri "${raw}" is not a ${wantsFile ? "file" : "folder"}`,
      `Use --kind ${info.isFile ? "file" : "folder"}`,
    );
  }
  if (kind === "sqlite" && !isSqlite(path)) throw usage(`--uri "${raw}" is not a SQLite database`);
  return path;
}

function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usage(`--uri "${raw}" is not a URL`, "Example: --uri https://api.example.com/v1");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw usage(`--uri "${raw}": only http and https URLs`);
  if (url.password) {
    throw usage(
      `--uri "${raw}" holds a password: PAI never stores credentials`,
      "Name the variable that holds it with --env VAR",
    );
  }
  return url.href;
}

function checkS3(raw: string, env: (name: string) => string | undefined): string {
  const match = raw.match(/^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/[^?]*)?(\?.*)?$/);
  if (!match) {
    throw usage(`--uri "${raw}" is not an S3 location`, "Example: --uri 's3://my-bucket/reports/?region=eu-west-1'");
  }
  const query = new URLSearchParams(match[3]?.slice(1) ?? "");
  for (const key of query.keys()) {
    if (!["endpoint", "region", "profile"].includes(key)) {
      throw usage(`--uri "${raw}": unknown option "${key}" (endpoint, region, profile)`);
    }
  }
  const endpoint = query.get("endpoint");
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw usage(`--uri "${raw}": endpoint "${endpoint}" is not an http(s) URL`);
  }
  if (!query.get("profile") && !(env("AWS_ACCESS_KEY_ID") && env("AWS_SECRET_ACCESS_KEY"))) {
    throw usage(
      `--uri "${raw}": no S3 credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set`,
      "Set them, or name an AWS profile: add ?profile=NAME to --uri",
    );
  }
  return raw;
}

/** The resource to store, or a `PaiError` naming the flag that is wrong. */
export async function checkDefinition(
  name: string,
  input: DefinitionInput,
  options: { cwd: string; env: (name: string) => string | undefined },
): Promise<Resource> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw usage(`Invalid resource name "${name}": use letters, digits, ".", "_" and "-"`);
  }
  const { kind } = input;
  if (input.text !== undefined && kind !== "note") throw usage(`--text is only for notes; a ${kind} takes --uri`);
  if (input.env !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(input.env)) {
      throw usage(`--env "${input.env}" is not a variable name`, "Give the variable's name, not its value");
    }
    if (kind !== "url" && kind !== "postgres") throw usage(`--env is for url and postgres resources, not ${kind}`);
    if (!options.env(input.env)) {
      throw usage(
        `--env ${input.env}: the variable is not set`,
        `Set ${input.env}; PAI reads it each time and never stores it`,
      );
    }
  }
  const base = {
    name,
    kind,
    label: input.label,
    ...(input.description ? { description: input.description } : {}),
    ...(input.default ? { default: true } : {}),
  };
  switch (kind) {
    case "note":
      if (input.uri !== undefined) throw usage("--uri is not for notes: give the text with --text");
      if (input.text === undefined) throw usage("A note needs --text TEXT");
      return base;
    case "file":
    case "folder":
    case "sqlite":
      if (!input.uri) throw usage(`A ${kind} resource needs --uri PATH`);
      return { ...base, uri: await realExisting(input.uri, kind, options.cwd) };
    case "url":
      if (!input.uri) throw usage("A url resource needs --uri URL");
      return { ...base, uri: checkUrl(input.uri), ...(input.env ? { env: input.env } : {}) };
    case "s3":
      if (!input.uri) throw usage("An s3 resource needs --uri s3://BUCKET/PREFIX");
      return { ...base, uri: checkS3(input.uri, options.env) };
    case "postgres": {
      if (input.uri !== undefined) {
        throw usage(
          "--uri is not for postgres: its connection string holds a password",
          "Put it in a variable and name it with --env VAR",
        );
      }
      if (!input.env) throw usage("A postgres resource needs --env VAR (the variable holding its connection string)");
      const conn = options.env(input.env)!;
      if (!/^postgres(ql)?:\/\//.test(conn)) {
        throw usage(`--env ${input.env}: its value is not a postgres:// connection string`);
      }
      return { ...base, env: input.env };
    }
    default:
      return kind satisfies never;
  }
}
