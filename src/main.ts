/**
 * PAI's entry point: the command tree and the one error boundary. Each
 * command's module is loaded only when it runs, and out of Deno's sight
 * (`core/lazy_import.ts`), so `pai --help` stays fast.
 */
import { buildApplication, buildCommand, buildRouteMap, run, text_en } from "@stricli/core";
import denoJson from "../deno.json" with { type: "json" };
import { EXIT, PaiError } from "./core/errors.ts";
import { lazyImport } from "./core/lazy_import.ts";
import { redactSecrets } from "./core/redact.ts";
import { parseProviderName, PROVIDER_NAMES } from "./providers/registry.ts";
import { stderr, stdout } from "./ui/output.ts";
import { inline, line } from "./ui/sanitize.ts";

/** A command's module, imported when the command runs (`core/lazy_import.ts` says why not by `import("…")`). */
function command<M>(name: string): Promise<M> {
  return lazyImport<M>(`./cli/${name}.ts`, import.meta.url);
}

const jsonFlag = { kind: "boolean", default: false, brief: "Print one JSON object instead of text" } as const;
const streamFlag = {
  kind: "boolean",
  default: true,
  brief: "Stream the answer as it arrives (--no-stream waits for the whole answer)",
} as const;

const grantFlags = {
  allowRead: {
    kind: "parsed",
    parse: String,
    optional: true,
    brief: "Pre-grant read of these paths (comma-separated), as Deno's flag",
  },
  allowWrite: { kind: "parsed", parse: String, optional: true, brief: "Pre-grant write of these paths" },
  allowNet: { kind: "parsed", parse: String, optional: true, brief: "Pre-grant net to these host[:port]s" },
  tools: { kind: "boolean", default: true, brief: "Offer tools to the model (--no-tools for models without)" },
  resource: {
    kind: "parsed",
    parse: String,
    variadic: true,
    optional: true,
    brief: "Attach a registered resource (repeatable); refused if the provider may not receive its label",
  },
  safe: {
    kind: "boolean",
    default: false,
    brief: "Safe mode: local providers only, no network tools, every tool call asks",
  },
} as const;

/** Parses a whole number of at least 1 for a limit flag. */
function positiveInteger(input: string): number {
  const n = Number(input);
  if (!Number.isInteger(n) || n < 1) throw new PaiError(`Expected a whole number of at least 1, got "${input}"`);
  return n;
}

const init = buildCommand({
  loader: async () => (await command<typeof import("./cli/init.ts")>("init")).init,
  parameters: {
    positional: {
      kind: "tuple",
      parameters: [{
        brief: `One of: ${PROVIDER_NAMES.join(", ")}`,
        placeholder: "provider",
        parse: parseProviderName,
      }],
    },
    flags: {
      model: { kind: "parsed", parse: String, brief: "Model to use, as the provider names it" },
      baseUrl: {
        kind: "parsed",
        parse: String,
        optional: true,
        brief: "Endpoint URL (overrides the provider's variable)",
      },
      apiKeyEnv: {
        kind: "parsed",
        parse: String,
        optional: true,
        brief: "Name of the variable that holds the API key (the key itself is never stored)",
      },
      systemRole: {
        kind: "enum",
        values: ["system", "fold"],
        default: "system",
        brief: "fold: for models with no system role, send the system prompt inside the first user turn",
      },
      locality: {
        kind: "enum",
        values: ["auto", "local", "remote"],
        default: "auto",
        brief: "Where the model runs: auto (by host), or your word (a local proxy to a cloud model is remote)",
      },
    },
  },
  docs: {
    brief: "Start a session with a provider and model",
    fullDescription: "Starts a new session and makes it current. Examples:\n" +
      "  pai init ollama --model llama3.2\n" +
      "  pai init openai --model gpt-4o-mini\n" +
      "  pai init openai-compatible --model qwen2.5 --base-url http://127.0.0.1:8000/v1",
  },
});

const prompt = buildCommand({
  loader: async () => (await command<typeof import("./cli/prompt.ts")>("prompt")).prompt,
  parameters: {
    positional: { kind: "array", parameter: { brief: "The prompt", placeholder: "text", parse: String } },
    flags: {
      stream: streamFlag,
      json: jsonFlag,
      maxChain: { kind: "parsed", parse: positiveInteger, default: "3", brief: "Rounds of tool calls at most" },
      dryRun: {
        kind: "boolean",
        default: false,
        brief: "Show exactly what would be sent to which provider, after redaction; send nothing",
      },
      ...grantFlags,
    },
  },
  docs: {
    brief: "Send one prompt and print the answer",
    fullDescription: "Text piped on stdin is attached to the prompt. Example:\n" +
      '  git diff | pai prompt "Review this change"',
  },
});

const chat = buildCommand({
  loader: async () => (await command<typeof import("./cli/chat.ts")>("chat")).chat,
  parameters: { flags: { stream: streamFlag, ...grantFlags } },
  docs: {
    brief: "Talk with the model; the session keeps the whole conversation",
    fullDescription: "End with exit, quit, Ctrl+D or Ctrl+C. Ctrl+C during an answer stops only that answer.\n" +
      "With piped stdin, each line is one message.",
  },
});

const agent = buildCommand({
  loader: async () => (await command<typeof import("./cli/agent.ts")>("agent")).agent,
  parameters: {
    positional: { kind: "array", parameter: { brief: "The goal", placeholder: "goal", parse: String } },
    flags: {
      maxSteps: { kind: "parsed", parse: positiveInteger, default: "20", brief: "Rounds of tool calls at most" },
      maxSeconds: { kind: "parsed", parse: positiveInteger, default: "600", brief: "Wall-clock limit for tool calls" },
      stream: streamFlag,
      json: jsonFlag,
      ...grantFlags,
    },
  },
  docs: {
    brief: "Work toward a goal with tools: prompt, tool calls, results, re-prompt, until done or a limit",
    fullDescription: "Each tool call runs as its own sandboxed process with only the permissions granted for it.\n" +
      "The agent may read and write inside the current directory; anything else is asked for. Example:\n" +
      '  pai agent "Summarise notes/*.md into notes/summary.md"',
  },
});

const toolsList = buildCommand({
  loader: async () => (await command<typeof import("./cli/tools.ts")>("tools")).list,
  parameters: { flags: { json: jsonFlag } },
  docs: { brief: "List the tools and the permissions a call needs" },
});

const toolsShow = buildCommand({
  loader: async () => (await command<typeof import("./cli/tools.ts")>("tools")).show,
  parameters: {
    flags: { json: jsonFlag },
    positional: { kind: "tuple", parameters: [{ brief: "Tool name", placeholder: "name", parse: String }] },
  },
  docs: { brief: "Show a tool: arguments, permissions, saved approvals" },
});

const tools = buildRouteMap({
  routes: { list: toolsList, show: toolsShow },
  docs: { brief: "The tools the model may call" },
});

const labelFlag = {
  kind: "enum",
  values: ["public", "internal", "private", "secret"],
  brief: "Sensitivity label",
} as const;

const resourceName = { brief: "Resource name", placeholder: "name", parse: String };
const resourceFlags = {
  uri: { kind: "parsed", parse: String, optional: true, brief: "Where it is: a path, a URL, or s3://bucket/prefix" },
  text: { kind: "parsed", parse: String, optional: true, brief: "A note's text" },
  env: {
    kind: "parsed",
    parse: String,
    optional: true,
    brief: "The variable holding its credential (url token, postgres connection string); never stored",
  },
  description: { kind: "parsed", parse: String, optional: true, brief: "What it holds" },
} as const;

const resourceRoutes = buildRouteMap({
  routes: {
    add: buildCommand({
      loader: async () => (await command<typeof import("./cli/resource.ts")>("resource")).add,
      parameters: {
        flags: {
          kind: {
            kind: "enum",
            values: ["note", "file", "folder", "url", "s3", "sqlite", "postgres"],
            brief: "What it is",
          },
          ...resourceFlags,
          label: { ...labelFlag, default: "internal" },
          default: { kind: "boolean", default: false, brief: "A default resource: the only kind chat mode reaches" },
        },
        positional: { kind: "tuple", parameters: [resourceName] },
      },
      docs: {
        brief: "Register a resource with a sensitivity label",
        fullDescription: "Examples:\n" +
          "  pai resource add payroll --kind file --uri ~/hr/payroll.csv --label private\n" +
          '  pai resource add todo --kind note --text "- renew passport"\n' +
          "  pai resource add crm --kind postgres --env CRM_DATABASE_URL --label private",
      },
    }),
    update: buildCommand({
      loader: async () => (await command<typeof import("./cli/resource.ts")>("resource")).update,
      parameters: {
        flags: {
          ...resourceFlags,
          label: { ...labelFlag, optional: true },
          default: { kind: "boolean", optional: true, brief: "Make it a default resource (--no-default: not)" },
        },
        positional: { kind: "tuple", parameters: [resourceName] },
      },
      docs: { brief: "Change a resource's definition (checked again as when it was added)" },
    }),
    list: buildCommand({
      loader: async () => (await command<typeof import("./cli/resource.ts")>("resource")).list,
      parameters: { flags: { json: jsonFlag } },
      docs: { brief: "List the registered resources" },
    }),
    show: buildCommand({
      loader: async () => (await command<typeof import("./cli/resource.ts")>("resource")).show,
      parameters: { flags: { json: jsonFlag }, positional: { kind: "tuple", parameters: [resourceName] } },
      docs: { brief: "Show a resource: a note's text, or the definition and a short preview" },
    }),
    rm: buildCommand({
      loader: async () => (await command<typeof import("./cli/resource.ts")>("resource")).rm,
      parameters: { positional: { kind: "tuple", parameters: [resourceName] } },
      docs: { brief: "Forget a resource (a note's text is deleted; other data is untouched)" },
    }),
    get: buildCommand({
      loader: async () => (await command<typeof import("./cli/resource.ts")>("resource")).get,
      parameters: {
        positional: {
          kind: "tuple",
          parameters: [resourceName, {
            brief: "A file in a folder, or a table of a SQLite database",
            placeholder: "path",
            parse: String,
            optional: true,
          }],
        },
      },
      docs: { brief: "Print a resource's content (through the sandbox, with a grant of that resource only)" },
    }),
    put: buildCommand({
      loader: async () => (await command<typeof import("./cli/resource.ts")>("resource")).put,
      parameters: {
        positional: {
          kind: "tuple",
          parameters: [resourceName, {
            brief: "A file in a folder",
            placeholder: "path",
            parse: String,
            optional: true,
          }],
        },
      },
      docs: { brief: "Replace a note's, a file's or a folder file's content with stdin" },
    }),
  },
  docs: { brief: "Your named data and its sensitivity labels" },
});

const policyJson = { json: jsonFlag };
const policyRoutes = buildRouteMap({
  routes: {
    init: buildCommand({
      loader: async () => (await command<typeof import("./cli/policy.ts")>("policy")).init,
      parameters: {},
      docs: { brief: "Write a commented starter policy.json with the defaults (never over an existing one)" },
    }),
    show: buildCommand({
      loader: async () => (await command<typeof import("./cli/policy.ts")>("policy")).show,
      parameters: { flags: policyJson },
      docs: { brief: "Show the policy in force here and where each part came from" },
    }),
    check: buildCommand({
      loader: async () => (await command<typeof import("./cli/policy.ts")>("policy")).check,
      parameters: { flags: policyJson },
      docs: { brief: "Validate the policy files (errors name the file, line and column)" },
    }),
    explain: buildCommand({
      loader: async () => (await command<typeof import("./cli/policy.ts")>("policy")).explain,
      parameters: {
        flags: {
          mode: { kind: "enum", values: ["chat", "prompt", "agent", "assistant"], default: "agent", brief: "Mode" },
          json: jsonFlag,
          allowRead: grantFlags.allowRead,
          allowWrite: grantFlags.allowWrite,
          allowNet: grantFlags.allowNet,
        },
        positional: {
          kind: "tuple",
          parameters: [
            { brief: "Tool name", placeholder: "tool", parse: String },
            { brief: "Arguments as JSON", placeholder: "args-json", parse: String },
          ],
        },
      },
      docs: {
        brief: "Explain the decision for one tool call: the rule and the exact --allow-* flags",
        fullDescription: 'Example:\n  pai policy explain fs_read \'{"path":"~/notes/a.md"}\' --mode chat',
      },
    }),
    test: buildCommand({
      loader: async () => (await command<typeof import("./cli/policy.ts")>("policy")).test,
      parameters: {},
      docs: { brief: "Run the example cases written in the policy files" },
    }),
    trust: buildCommand({
      loader: async () => (await command<typeof import("./cli/policy.ts")>("policy")).trust,
      parameters: {
        flags: { revoke: { kind: "boolean", default: false, brief: "Stop trusting the folder" } },
        positional: {
          kind: "tuple",
          parameters: [{ brief: "Project folder (default: here)", placeholder: "dir", parse: String, optional: true }],
        },
      },
      docs: { brief: "Let a project's .pai/policy.json widen your policy (it can only tighten it otherwise)" },
    }),
  },
  docs: { brief: "Your rules: what may go to which model, what each tool may touch" },
});

const status = buildCommand({
  loader: async () => (await command<typeof import("./cli/status.ts")>("status")).status,
  parameters: { flags: { json: jsonFlag } },
  docs: { brief: "Show the session: provider, model, mode, messages and tokens used" },
});

const reset = buildCommand({
  loader: async () => (await command<typeof import("./cli/reset.ts")>("reset")).reset,
  parameters: {},
  docs: { brief: "Clear the session's conversation history (the audit log keeps its records)" },
});

const providers = buildCommand({
  loader: async () => (await command<typeof import("./cli/providers.ts")>("providers")).providers,
  parameters: { flags: { json: jsonFlag } },
  docs: { brief: "List the providers, what each needs and whether it is ready" },
});

const root = buildRouteMap({
  routes: {
    init,
    prompt,
    chat,
    agent,
    tools,
    policy: policyRoutes,
    resource: resourceRoutes,
    status,
    reset,
    providers,
  },
  docs: {
    brief: "PAI: a personal AI assistant where you decide which models run, where, and what data they see",
  },
});

/**
 * Formats what a command threw: one line (two with a hint) for PAI's errors, never a stack for them. Messages and
 * hints often quote arguments, file names and what a server said, so each is neutralised to one line: only the
 * line breaks written here start a line. Secrets are redacted first, while they still look like themselves.
 */
function formatError(error: unknown): string {
  if (error instanceof PaiError) {
    const lines = [line`pai: ${redactSecrets(error.message)}`];
    if (error.hint) lines.push(inline(redactSecrets(error.hint)));
    return lines.join("\n");
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [line`pai: internal error: ${redactSecrets(message)}`];
  if (Deno.env.get("PAI_DEBUG") && error instanceof Error && error.stack) lines.push(...stackFrames(error.stack));
  lines.push("Please report this (set PAI_DEBUG=1 for details)");
  return lines.join("\n");
}

/** The "at …" lines of a stack (its first lines repeat the message, already shown), each neutralised. */
function stackFrames(stack: string): string[] {
  return stack.split("\n").filter((l) => /^\s+at /.test(l)).map((l) => inline(redactSecrets(l)));
}

/** Stricli's own messages quote what the user typed (an unknown command, a flag value a parser refused). */
function formatParseError(error: unknown): string {
  return line`pai: ${
    redactSecrets(error instanceof Error ? error.message : String(error))
  }\nRun "pai --help" for usage`;
}

const app = buildApplication(root, {
  name: "pai",
  versionInfo: { currentVersion: denoJson.version },
  scanner: { caseStyle: "allow-kebab-for-camel" },
  documentation: { caseStyle: "convert-camel-to-kebab" },
  localization: {
    loadText: () => ({
      ...text_en,
      exceptionWhileRunningCommand: formatError,
      commandErrorResult: formatError,
      exceptionWhileParsingArguments: formatParseError,
      noCommandRegisteredForInput: ({ input, corrections }: { input: string; corrections: readonly string[] }) =>
        line`pai: No command registered for "${input}"` +
        (corrections.length ? line`; did you mean ${corrections.join(" or ")}?` : ""),
    }),
  },
  determineExitCode: (error) => error instanceof PaiError ? error.exitCode : EXIT.FAILURE,
});

const processLike = {
  stdout: { write: (text: string) => stdout.write(text) },
  stderr: { write: (text: string) => stderr.write(text) },
  env: { STRICLI_NO_COLOR: Deno.env.get("NO_COLOR") ? "1" : undefined },
  exitCode: undefined as number | string | null | undefined,
};

await run(app, Deno.args, { process: processLike });
const code = Number(processLike.exitCode ?? 0);
// Stricli reports its own failures as negative codes (unknown command or flag): a usage error.
Deno.exit(code < 0 ? EXIT.USAGE : code);
