/**
 * A throw-away S3-compatible server for tests (s3rver, from npm) on 127.0.0.1, with one bucket. It checks that the
 * access key id exists, but (by its own documentation) does not verify V4 signatures: the signing itself is not
 * proven by this server. When it cannot start, the error says why.
 */
import S3rver from "s3rver";

/** s3rver's built-in credentials. */
export const S3_KEY = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };

export interface S3Server {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startS3(bucket: string): Promise<S3Server> {
  const dir = await Deno.makeTempDir({ prefix: "pai_s3_" });
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw new Error(`The S3 server could not start: ${error instanceof Error ? error.message : error}`);
  }
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
