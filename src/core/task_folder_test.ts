import assert from "node:assert/strict";
import { taskCallerFolder } from "./task_folder.ts";

const DENO_AGENT = "deno/2.9.6 npm/? deno/2.9.6 linux x86_64";
const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("taskCallerFolder() is the folder deno task was run from, when PAI runs as a task in its checkout", () => {
  const options = { cwd: "/src/pai", root: "/src/pai" };
  assert.equal(
    taskCallerFolder({ ...options, env: env({ INIT_CWD: "/home/me/notes", npm_config_user_agent: DENO_AGENT }) }),
    "/home/me/notes",
  );
});

Deno.test("taskCallerFolder() ignores INIT_CWD anywhere else: another folder, another task runner, the same folder", () => {
  const init = { INIT_CWD: "/home/me/notes", npm_config_user_agent: DENO_AGENT };
  // The installed pai, run in a project, inside someone else's `deno task`.
  assert.equal(taskCallerFolder({ cwd: "/home/me/project", root: "/src/pai", env: env(init) }), undefined);
  // npm sets INIT_CWD too.
  const npm = { ...init, npm_config_user_agent: "npm/10.8.0 node/v22.0.0 linux x64" };
  assert.equal(taskCallerFolder({ cwd: "/src/pai", root: "/src/pai", env: env(npm) }), undefined);
  assert.equal(taskCallerFolder({ cwd: "/src/pai", root: "/src/pai", env: env({ INIT_CWD: "/home/me" }) }), undefined);
  const same = { ...init, INIT_CWD: "/src/pai" };
  assert.equal(taskCallerFolder({ cwd: "/src/pai", root: "/src/pai", env: env(same) }), undefined);
});
