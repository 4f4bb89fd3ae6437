/**
 * A throw-away PostgreSQL server for tests: initdb in a temp folder, started
 * on 127.0.0.1 on a free port with password authentication, stopped after.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres`
 * user. When it cannot start, the error says why (the test fails; it is not
 * skipped).
 */
import { closedPort } from "./run_pai.ts";

export const PG_USER = "pai";
export const PG_PASSWORD = "pai-test-pw-9f2c";

/** A running server. */
export interface Postgres {
  port: number;
  /** A connection string for a database on it. */
  url(database?: string, password?: string): string;
  /** Runs SQL with psql as the superuser. */
  psql(sql: string, database?: string): Promise<string>;
  stop(): Promise<void>;
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${text.trim()}`);
  return text;
}

function binDir(): string {
  for (const base of ["/usr/lib/postgresql"]) {
    try {
      const versions = [...Deno.readDirSync(base)].map((e) => e.name).sort((a, b) => Number(b) - Number(a));
      if (versions.length) return `${base}/${versions[0]}/bin`;
    } catch { /* not here */ }
  }
  throw new Error(
    "PostgreSQL could not start: no server binaries in /usr/lib/postgresql (apt-get install -y postgresql)",
  );
}

/** Starts a server; throws with the reason when it cannot. */
export async function startPostgres(): Promise<Postgres> {
  let bin: string;
  try {
    bin = await binDir();
  } catch (error) {
    throw new Error(`PostgreSQL could not start: ${error instanceof Error ? error.message : error}`);
  }
  const dir = await Deno.makeTempDir({ prefix: "pai_pg_" });
  const asRoot = Deno.uid() === 0;
  const as = async (cmd: string, args: string[]) =>
    asRoot
      ? await run("runuser", ["-u", "postgres", "--", `${bin}/${cmd}`, ...args])
      : await run(`${bin}/${cmd}`, args);
  try {
    if (asRoot) {
      const u = Number((await run("id", ["-u", "postgres"])).trim());
      const g = Number((await run("id", ["-g", "postgres"])).trim());
      Deno.chownSync(dir, u, g);
    }
    Deno.writeTextFileSync(`${dir}/pw`, PG_PASSWORD);
    if (asRoot) await run("chown", ["postgres", `${dir}/pw`]);
    await as("initdb", [
      "-D",
      `${dir}/data`,
      "-U",
      PG_USER,
      "--auth=scram-sha-256",
      `--pwfile=${dir}/pw`,
      "-E",
      "UTF8",
    ]);
    const port = closedPort();
    await as("pg_ctl", [
      "-D",
      `${dir}/data`,
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      "-l",
      `${dir}/log`,
      "-w",
      "start",
    ]);
    const url = (database = "postgres", password = PG_PASSWORD) =>
      `postgres://${PG_USER}:${password}@127.0.0.1:${port}/${database}`;
    return {
      port,
      url,
      psql: (sql, database = "postgres") =>
        run("psql", [url(database), "-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-c", sql]),
      stop: async () => {
        await as("pg_ctl", ["-D", `${dir}/data`, "-m", "immediate", "stop"]).catch(() => {});
        await Deno.remove(dir, { recursive: true });
      },
    };
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new Error(`PostgreSQL could not start: ${error instanceof Error ? error.message : error}`);
  }
}
