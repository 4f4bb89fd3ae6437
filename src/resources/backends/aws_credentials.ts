/**
 * The credentials an s3 resource signs with: the standard AWS variables, or a named profile of the shared
 * credentials file. Read by PAI at call time and handed to the one call that needs them; a tool never reads them.
 */

/** What an S3 call signs with. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options for {@linkcode awsCredentials}. */
export interface AwsCredentialsOptions {
  /** Where the variables are looked up (default: the process environment). */
  env?: (name: string) => string | undefined;
}

/** S3 credentials from the standard variables, or from `profile` in ~/.aws/credentials (or `AWS_SHARED_CREDENTIALS_FILE`). */
export function awsCredentials(profile?: string, options: AwsCredentialsOptions = {}): AwsCredentials | undefined {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  if (!profile) {
    return credentials(env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN"));
  }
  let text: string;
  try {
    text = Deno.readTextFileSync(env("AWS_SHARED_CREDENTIALS_FILE") ?? `${env("HOME") ?? ""}/.aws/credentials`);
  } catch {
    return undefined;
  }
  const section = text.split(/^\[/m).find((s) => s.startsWith(`${profile}]`));
  const value = (name: string) => section?.match(new RegExp(`^\\s*${name}\\s*=\\s*(\\S+)`, "m"))?.[1];
  return credentials(value("aws_access_key_id"), value("aws_secret_access_key"), value("aws_session_token"));
}

/** Both keys, or nothing (a half-set pair would only fail later, at the endpoint). */
function credentials(
  accessKeyId?: string,
  secretAccessKey?: string,
  sessionToken?: string,
): AwsCredentials | undefined {
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
