// The baseline: what a bare `deno run` costs on this machine.
