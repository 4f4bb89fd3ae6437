/**
 * An S3 prefix: objects listed, got, put and deleted through s3_object, granted net to its endpoint only, signed
 * with the credentials PAI reads for it (see `aws_credentials.ts`). `parseS3Uri` is the one reader of its URI.
 */
import { hostPort } from "../../core/host_port.ts";
import { definitionError, type Expansion, type KindContext, type ResourceBackend, sandboxed } from "../backend.ts";

/** Where an s3 resource's objects are. */
export interface S3Location {
  bucket: string;
  /** The key prefix, without a leading "/": "" for the whole bucket, "reports/" for `s3://b/reports/`. */
  prefix: string;
  region: string;
  /** The server's base URL (default: AWS's endpoint for the region). */
  endpoint: string;
  /** The profile of the shared credentials file to sign with (default: the AWS variables). */
  profile?: string;
}

/** A parsed location, or what is wrong, worded to follow the quoted URI (`"…" is not an S3 location: …`). */
export type S3UriParse = { location: S3Location } | { problem: string };

const OPTIONS = ["endpoint", "region", "profile"];
/** S3's rule for bucket names (lowercase, 3 to 63 characters); dots are allowed, as path-style access takes them. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const EXAMPLE = "Example: --uri 's3://my-bucket/reports/?region=eu-west-1'";

/** Reads `s3://BUCKET[/PREFIX][?endpoint=URL&region=NAME&profile=NAME]`. */
export function parseS3Uri(uri: string): S3UriParse {
  const notS3 = (why: string) => ({ problem: `is not an S3 location: ${why}` });
  if (!uri.startsWith("s3://")) return notS3('it must start with "s3://"');
  const [where, query = ""] = splitOnce(uri.slice("s3://".length), "?");
  const [bucket, prefix = ""] = splitOnce(where, "/");
  if (!bucket) return notS3("it names no bucket");
  if (!BUCKET.test(bucket)) {
    return notS3(`bucket "${bucket}" must be 3 to 63 lowercase letters, digits, dots or hyphens`);
  }
  const options = new URLSearchParams(query);
  const unknown = [...options.keys()].find((key) => !OPTIONS.includes(key));
  if (unknown !== undefined) return { problem: `has an unknown option "${unknown}" (${OPTIONS.join(", ")})` };
  // An empty option (`?region=`) means the default, not an empty region or endpoint.
  const region = options.get("region") || "us-east-1";
  const endpoint = options.get("endpoint") || `https://s3.${region}.amazonaws.com`;
  if (!/^https?:\/\/[^/]+/.test(endpoint)) {
    return { problem: `has an endpoint "${endpoint}" that is not an http(s) URL` };
  }
  const profile = options.get("profile") || undefined;
  return { location: { bucket, prefix, region, endpoint, ...(profile ? { profile } : {}) } };
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at === -1 ? [text] : [text.slice(0, at), text.slice(at + separator.length)];
}

/** What one s3_object call does under the prefix. */
type ObjectOp = { op: "list" } | { op: "get" | "delete"; key: string } | { op: "put"; key: string; body: string };

/** An s3_object call on the resource's bucket and prefix, with its own credentials and net to its endpoint only. */
function objectCall({ resource: r, host }: KindContext, what: ObjectOp): Expansion {
  const parsed = parseS3Uri(r.uri!);
  if ("problem" in parsed) return { refuse: `The uri of "${r.name}" ${parsed.problem}` };
  const { bucket, prefix, region, endpoint, profile } = parsed.location;
  const credentials = host.awsCredentials(profile);
  if (!credentials) return { refuse: `No S3 credentials for "${r.name}": set the AWS variables or its profile` };
  if ("key" in what && (what.key.startsWith("/") || what.key.split("/").includes(".."))) {
    return { refuse: `key "${what.key}" must stay under ${r.uri}` };
  }
  const request = what.op === "list"
    ? { op: "list", prefix }
    : { ...what, key: `${prefix}${prefix && !prefix.endsWith("/") ? "/" : ""}${what.key}` };
  return sandboxed("s3_object", { endpoint, region, bucket, ...request, ...credentials }, {
    net: [hostPort(endpoint)],
  });
}

export const S3: ResourceBackend = {
  define(input, options) {
    const raw = input.uri;
    if (!raw) throw definitionError("An s3 resource needs --uri s3://BUCKET/PREFIX");
    const parsed = parseS3Uri(raw);
    if ("problem" in parsed) throw definitionError(`--uri "${raw}" ${parsed.problem}`, EXAMPLE);
    if (!parsed.location.profile && !(options.env("AWS_ACCESS_KEY_ID") && options.env("AWS_SECRET_ACCESS_KEY"))) {
      throw definitionError(
        `--uri "${raw}": no S3 credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set`,
        "Set them, or name an AWS profile: add ?profile=NAME to --uri",
      );
    }
    return { uri: raw };
  },
  read: (ctx, args) => objectCall(ctx, args.key === undefined ? { op: "list" } : { op: "get", key: args.key }),
  update(ctx, args) {
    if (args.key === undefined || args.content === undefined) return { refuse: "give the object's key and content" };
    return objectCall(ctx, { op: "put", key: args.key, body: args.content });
  },
  delete(ctx, args) {
    if (args.key === undefined) return { refuse: "give the object's key" };
    return objectCall(ctx, { op: "delete", key: args.key });
  },
};
