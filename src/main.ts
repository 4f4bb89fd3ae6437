/**
 * PAI's entry point: the command tree and the one error boundary. Each
 * command's module is loaded only when it runs, and out of Deno's sight
 * (`core/lazy_import.ts`), so `pai --help` stays fast.
 */
import { buildApplication, buildChoiceParser, buildRouteMap, run, text_en } from "@stricli/core";
import denoJson from "../deno.json" with { type: "json" };
import {
  missingPermissions,
  missingPermissionsMessage,
  needsPermissions,
  requiredPermissions,
} from "./cli/invocation.ts";
import {
  buildCommand,
  commandAt,
  helpPointer,
  parseErrorMessage,
  type UnknownCommand,
  unknownCommandMessage,
  wantsJson,
} from "./cli/usage.ts";
import { errorJson, EXIT, PaiError } from "./core/errors.ts";
import { lazyImport } from "./core/lazy_import.ts";
import { redactSecrets } from "./core/redact.ts";
import { MODES } from "./core/types.ts";
import { USAGE_GROUPINGS } from "./audit/usage_totals.ts";
import { PROFILES } from "./modes/profiles.ts";
import { enterTaskCaller } from "./core/task_folder.ts";
import { parseProviderName, PROVIDER_NAMES } from "./providers/registry.ts";
import { routeConsole } from "./ui/console_route.ts";
import { registerCommandTree } from "./cli/command_tree.ts";
import type { Shell } from "./cli/completions.ts";
import { stderr, stdout, wroteToStdout } from "./ui/output.ts";
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

const displayFlags = {
  raw: {
    kind: "boolean",
    default: false,
    brief: "Print the answer as the model wrote it (no Markdown rendering, which a terminal gets by default)",
  },
  usage: {
    kind: "boolean",
    default: false,
    brief: "Print the tokens and cost after each answer even when piped (a terminal shows them by default)",
  },
} as const;

const modelFlag = {
  kind: "parsed",
  parse: String,
  optional: true,
  placeholder: "provider:model",
  brief: "The model for this call: PROVIDER:MODEL, a model of the session's provider, or an alias (config.json)",
} as const;

const resumeFlags = {
  session: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "id|name",
    brief: "Resume this session (its id, the start of it, or its name): it becomes the current one",
  },
  continue: { kind: "boolean", default: false, brief: "Resume the session used last" },
} as const;

const callFlags = {
  system: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "text",
    brief: "The system prompt for this call, in place of config.json's (scanned, recorded with the prompt)",
  },
  template: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "name",
    brief: "Use a template's system prompt and model (pai template add); -s and -m win over it",
  },
} as const;

const grantFlags = {
  allowRead: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "paths",
    brief: "Pre-grant read of these paths (comma-separated), as Deno's flag",
  },
  allowWrite: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "paths",
    brief: "Pre-grant write of these paths",
  },
  allowNet: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "hosts",
    brief: "Pre-grant net to these host[:port]s",
  },
  tools: { kind: "boolean", default: true, brief: "Offer tools to the model (--no-tools for models without)" },
  resource: {
    kind: "parsed",
    parse: String,
    variadic: true,
    optional: true,
    placeholder: "name",
    brief: "Attach a registered resource (repeatable); refused if the provider may not receive its label",
  },
  attach: {
    kind: "parsed",
    parse: String,
    variadic: true,
    optional: true,
    placeholder: "file",
    brief: "Attach a file (repeatable): text inline, an image to a model that takes images; labelled as a resource",
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
        brief: `One of ${PROVIDER_NAMES.join(", ")}`,
        placeholder: "provider",
        parse: parseProviderName,
      }],
    },
    flags: {
      model: { kind: "parsed", parse: String, placeholder: "model", brief: "Model to use, as the provider names it" },
      baseUrl: {
        kind: "parsed",
        parse: String,
        optional: true,
        placeholder: "url",
        brief: "Endpoint URL (overrides the provider's variable)",
      },
      apiKeyEnv: {
        kind: "parsed",
        parse: String,
        optional: true,
        placeholder: "var",
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
      name: {
        kind: "parsed",
        parse: String,
        optional: true,
        placeholder: "name",
        brief: "A name for the session (pai chat --session NAME resumes it)",
      },
      localModel: {
        kind: "parsed",
        parse: String,
        optional: true,
        placeholder: "provider:model",
        brief: "A local model for data the main model may not receive: such requests go to it (routing by data)",
      },
      planner: {
        kind: "parsed",
        parse: String,
        optional: true,
        placeholder: "provider:model",
        brief: "A model that plans each agent and assistant run before the main model carries it out",
      },
      summarizer: {
        kind: "parsed",
        parse: String,
        optional: true,
        placeholder: "provider:model",
        brief: "A model that writes the summaries of older turns (default: the main model)",
      },
    },
  },
  docs: {
    brief: "Start a session with a provider and model",
    fullDescription: "Starts a new session and makes it current. Examples:\n" +
      "  pai init ollama --model llama3.2\n" +
      "  pai init openai --model gpt-4o-mini\n" +
      "  pai init openai-compatible --model qwen2.5 --base-url http://127.0.0.1:8000/v1\n" +
      "  pai init openai --model gpt-4o --local-model ollama:llama3.2 --summarizer openai:gpt-4o-mini",
  },
});

const prompt = buildCommand({
  loader: async () => (await command<typeof import("./cli/prompt.ts")>("prompt")).prompt,
  parameters: {
    positional: {
      kind: "array",
      parameter: {
        brief: "The prompt (optional when text is piped on stdin; a lone - reads the prompt from stdin)",
        placeholder: "text",
        parse: String,
      },
    },
    flags: {
      stream: streamFlag,
      ...displayFlags,
      json: jsonFlag,
      maxChain: {
        kind: "parsed",
        parse: positiveInteger,
        default: String(PROFILES.prompt.limits.rounds),
        placeholder: "n",
        brief: "Rounds of tool calls at most",
      },
      dryRun: {
        kind: "boolean",
        default: false,
        brief: "Show exactly what would be sent to which provider, after redaction; send nothing",
      },
      model: modelFlag,
      ...resumeFlags,
      ...grantFlags,
      ...callFlags,
    },
    aliases: { m: "model", c: "continue", a: "attach", s: "system", t: "template" },
  },
  docs: {
    brief: "Send one prompt and print the answer",
    fullDescription: "Text piped on stdin is attached to the prompt. Example:\n" +
      '  git diff | pai prompt "Review this change"',
  },
});

const ask = buildCommand({
  loader: async () => (await command<typeof import("./cli/ask.ts")>("ask")).ask,
  parameters: {
    positional: {
      kind: "array",
      parameter: {
        brief: "The question (optional when text is piped on stdin; a lone - reads it from stdin)",
        placeholder: "text",
        parse: String,
      },
    },
    flags: {
      model: modelFlag,
      stream: streamFlag,
      ...displayFlags,
      json: jsonFlag,
      safe: grantFlags.safe,
    },
    aliases: { m: "model" },
  },
  docs: {
    brief: "Ask one quick question with no session: no tools, no history (scanned, budgeted, audited)",
    fullDescription: "Uses the current session's model, or with none the default (a local Ollama, else OpenAI or " +
      "Anthropic by their keys). Examples:\n" +
      '  pai ask "How do I undo the last git commit?"\n' +
      '  pai ask --model ollama:llama3.2 "Explain this error" < error.log',
  },
});

const chat = buildCommand({
  loader: async () => (await command<typeof import("./cli/chat.ts")>("chat")).chat,
  parameters: {
    flags: { stream: streamFlag, ...displayFlags, model: modelFlag, ...resumeFlags, ...grantFlags, ...callFlags },
    aliases: { m: "model", c: "continue", a: "attach", s: "system", t: "template" },
  },
  docs: {
    brief: "Talk with the model; the session keeps the whole conversation",
    fullDescription:
      "End with /exit, exit, Ctrl+D, or Ctrl+C twice. Ctrl+C during an answer stops only that answer.\n" +
      "Slash commands (/help lists them) are PAI's, never sent. Alt+Enter or Ctrl+J starts a new line; a paste is\n" +
      'kept whole; a line """ opens a block that another closes. With piped stdin, each line (or block) is a message.',
  },
});

const agent = buildCommand({
  loader: async () => (await command<typeof import("./cli/agent.ts")>("agent")).agent,
  parameters: {
    positional: {
      kind: "array",
      minimum: 1,
      parameter: {
        brief: "What the agent should do (a lone - reads it from stdin)",
        placeholder: "goal",
        parse: String,
      },
    },
    flags: {
      maxSteps: {
        kind: "parsed",
        parse: positiveInteger,
        default: String(PROFILES.agent.limits.rounds),
        placeholder: "n",
        brief: "Rounds of tool calls at most",
      },
      maxSeconds: {
        kind: "parsed",
        parse: positiveInteger,
        default: String(PROFILES.agent.limits.seconds),
        placeholder: "seconds",
        brief: "Stop calling tools after this many seconds; the model then gives its final answer",
      },
      stream: streamFlag,
      ...displayFlags,
      json: jsonFlag,
      dryRun: {
        kind: "boolean",
        default: false,
        brief:
          "Show exactly what the first request would send to which provider (project instructions included); send nothing",
      },
      model: modelFlag,
      ...resumeFlags,
      ...grantFlags,
      ...callFlags,
    },
    aliases: { m: "model", c: "continue", a: "attach", s: "system", t: "template" },
  },
  docs: {
    brief: "Work toward a goal with tools: prompt, tool calls, results, re-prompt, until done or a limit",
    fullDescription: "Each tool call runs as its own sandboxed process with only the permissions granted for it.\n" +
      "The agent may read and write inside the current directory; anything else is asked for. Example:\n" +
      '  pai agent "Summarise notes/*.md into notes/summary.md"',
  },
});

/** `pai task …`'s module, loaded when one of its commands runs. */
function taskCommand(): Promise<typeof import("./cli/task.ts")> {
  return command<typeof import("./cli/task.ts")>("task");
}

const taskId = {
  kind: "tuple",
  parameters: [{ brief: "Task id", placeholder: "id", parse: positiveInteger }],
} as const;

const taskRoutes = buildRouteMap({
  routes: {
    add: buildCommand({
      loader: async () => (await taskCommand()).add,
      parameters: {
        positional: {
          kind: "array",
          minimum: 1,
          parameter: { brief: "What the assistant should do", placeholder: "text", parse: String },
        },
        flags: {
          every: {
            kind: "parsed",
            parse: String,
            optional: true,
            placeholder: "interval",
            brief: "Run it again this long after each run ends: 30s, 10m, 2h, 1d, 1w",
          },
          at: {
            kind: "parsed",
            parse: String,
            optional: true,
            placeholder: "time",
            brief: "Run it first at this time: 09:30 (the next time it comes) or 2026-12-24 18:00 (local)",
          },
          maxTokens: {
            kind: "parsed",
            parse: positiveInteger,
            optional: true,
            placeholder: "n",
            brief: "Tokens one run may spend (default: config.json's assistant.taskTokens, if set)",
          },
          json: jsonFlag,
        },
      },
      docs: {
        brief: "Queue a task for the assistant (pai assistant run works through the queue)",
        fullDescription: "Examples:\n" +
          '  pai task add "Summarise the new files in ~/inbox into ~/inbox/summary.md"\n' +
          '  pai task add "Check the status page of example.com" --every 1h\n' +
          '  pai task add "Draft the weekly report" --at 08:00 --every 1w --max-tokens 50000',
      },
    }),
    list: buildCommand({
      loader: async () => (await taskCommand()).list,
      parameters: { flags: { json: jsonFlag } },
      docs: { brief: "List the tasks: id, status, when due, tokens, cost, text and last result" },
    }),
    show: buildCommand({
      loader: async () => (await taskCommand()).show,
      parameters: { flags: { json: jsonFlag }, positional: taskId },
      docs: { brief: "Show a task whole: schedule, runs, tokens, cost, steps of an unfinished attempt, result" },
    }),
    cancel: buildCommand({
      loader: async () => (await taskCommand()).cancel,
      parameters: { positional: taskId },
      docs: { brief: "Cancel a queued or running task (a running one stops after the step under way)" },
    }),
  },
  docs: { brief: "The assistant's task queue" },
});

/** `pai memory …`'s module, loaded when one of its commands runs. */
function memoryCommand(): Promise<typeof import("./cli/memory.ts")> {
  return command<typeof import("./cli/memory.ts")>("memory");
}

const memoryId = {
  kind: "tuple",
  parameters: [{ brief: "Memory id (see pai memory list)", placeholder: "id", parse: positiveInteger }],
} as const;

const memoryRoutes = buildRouteMap({
  routes: {
    list: buildCommand({
      loader: async () => (await memoryCommand()).list,
      parameters: { flags: { json: jsonFlag } },
      docs: { brief: "List what the assistant remembers in this session: id, when, label, text" },
    }),
    show: buildCommand({
      loader: async () => (await memoryCommand()).show,
      parameters: { flags: { json: jsonFlag }, positional: memoryId },
      docs: { brief: "Show one memory whole, with its label and the files and resources its data came from" },
    }),
    rm: buildCommand({
      loader: async () => (await memoryCommand()).rm,
      parameters: { positional: memoryId },
      docs: { brief: "Remove a memory: the assistant no longer sees it (pai reset removes them all)" },
    }),
  },
  docs: { brief: "The assistant's working memory: see and edit what it remembers" },
});

/** `pai template …`'s module, loaded when one of its commands runs. */
function templateCommand(): Promise<typeof import("./cli/template.ts")> {
  return command<typeof import("./cli/template.ts")>("template");
}

const templateName = {
  kind: "tuple",
  parameters: [{ brief: "Template name", placeholder: "name", parse: String }],
} as const;

const templateRoutes = buildRouteMap({
  routes: {
    add: buildCommand({
      loader: async () => (await templateCommand()).add,
      parameters: {
        positional: templateName,
        flags: {
          system: {
            kind: "parsed",
            parse: String,
            placeholder: "text",
            brief: "The system prompt (a lone - reads it from stdin)",
          },
          model: { ...modelFlag, brief: "The model it uses, as -m takes it (absent: the session's)" },
          force: { kind: "boolean", default: false, brief: "Replace a template of that name" },
        },
        aliases: { s: "system", m: "model" },
      },
      docs: {
        brief: "Save a template: a system prompt, and optionally a model, for pai prompt|chat|agent -t NAME",
        fullDescription: "Examples:\n" +
          '  pai template add reviewer --system "You review code: bugs first, then style" --model openai:gpt-4o\n' +
          "  pai template add translator --system - < translator-prompt.md\n" +
          '  git diff | pai prompt -t reviewer "Review this"',
      },
    }),
    list: buildCommand({
      loader: async () => (await templateCommand()).list,
      parameters: { flags: { json: jsonFlag } },
      docs: { brief: "List the templates: name, model, the start of the system prompt" },
    }),
    show: buildCommand({
      loader: async () => (await templateCommand()).show,
      parameters: { flags: { json: jsonFlag }, positional: templateName },
      docs: { brief: "Show one template whole" },
    }),
    rm: buildCommand({
      loader: async () => (await templateCommand()).rm,
      parameters: { positional: templateName },
      docs: { brief: "Remove a template" },
    }),
  },
  docs: { brief: "Templates: named system prompts (and models) for -t NAME" },
});

const { resource: _resource, attach: _attach, ...assistantGrants } = grantFlags;

const assistantRoutes = buildRouteMap({
  routes: {
    chat: buildCommand({
      loader: async () => (await command<typeof import("./cli/assistant.ts")>("assistant")).chat,
      parameters: {
        flags: { stream: streamFlag, ...displayFlags, model: modelFlag, ...resumeFlags, ...grantFlags, ...callFlags },
        aliases: { m: "model", c: "continue", a: "attach", s: "system", t: "template" },
      },
      docs: {
        brief: "Talk with the assistant: chat with assistant mode's tools and working memory (the default)",
      },
    }),
    run: buildCommand({
      loader: async () => (await command<typeof import("./cli/assistant.ts")>("assistant")).run,
      parameters: {
        flags: {
          once: { kind: "boolean", default: false, brief: "Run the tasks that are due, then exit" },
          maxSteps: {
            kind: "parsed",
            parse: positiveInteger,
            default: String(PROFILES.assistant.limits.rounds),
            placeholder: "n",
            brief: "Rounds of tool calls one task may take",
          },
          model: modelFlag,
          ...resumeFlags,
          ...assistantGrants,
        },
        aliases: { m: "model", c: "continue" },
      },
      docs: {
        brief: "Work through the task queue, and wait for new and scheduled tasks until stopped",
        fullDescription: "Unattended: nobody is asked for an approval, so pre-grant what the tasks need " +
          "(--allow-read, --allow-write, --allow-net, saved approvals, policy rules).\n" +
          "SIGINT or SIGTERM finishes the step under way and gives the task back; it is resumed at the next start.\n" +
          "Example:\n  pai assistant run --allow-write ~/inbox",
      },
    }),
  },
  defaultCommand: "chat",
  docs: { brief: "Assistant mode: long-lived task execution with working memory" },
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
  uri: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "uri",
    brief: "Where it is: a path, a URL, or s3://bucket/prefix",
  },
  text: { kind: "parsed", parse: String, optional: true, placeholder: "text", brief: "A note's text" },
  env: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "var",
    brief: "The variable holding its credential (url token, postgres connection string); never stored",
  },
  description: { kind: "parsed", parse: String, optional: true, placeholder: "text", brief: "What it holds" },
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
          mode: { kind: "enum", values: MODES, default: "agent", brief: "Mode" },
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
    approvals: buildCommand({
      loader: async () => (await command<typeof import("./cli/approvals.ts")>("approvals")).approvals,
      parameters: { flags: policyJson },
      docs: { brief: 'List your approvals: saved ("always") ones and this session\'s, each with its id' },
    }),
    revoke: buildCommand({
      loader: async () => (await command<typeof import("./cli/approvals.ts")>("approvals")).revoke,
      parameters: {
        flags: { all: { kind: "boolean", default: false, brief: "Revoke every saved approval and this session's" } },
        positional: {
          kind: "tuple",
          parameters: [{ brief: "Approval id (see approvals)", placeholder: "id", parse: String, optional: true }],
        },
      },
      docs: { brief: "Revoke an approval: PAI asks again before such a call" },
    }),
  },
  docs: { brief: "Your rules: what may go to which model, what each tool may touch" },
});

/** `pai audit`'s module, loaded when one of its commands runs. */
function auditCommand(): Promise<typeof import("./cli/audit.ts")> {
  return command<typeof import("./cli/audit.ts")>("audit");
}

const auditFilterFlags = {
  session: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "id",
    brief: 'Rows of this session: its id, the start of it (the table shows 8 characters), or "current"',
  },
  kind: {
    kind: "parsed",
    parse: String,
    variadic: true,
    optional: true,
    placeholder: "kind",
    brief: "Rows of this kind (repeatable, or comma-separated): prompt, response, tool_call, grant, denial …",
  },
  tool: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "name",
    brief: "Rows about this tool: its calls, grants, denials, approvals, results",
  },
  provider: { kind: "parsed", parse: String, optional: true, placeholder: "name", brief: "Rows of this provider" },
  since: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "date",
    brief: "From then on: YYYY-MM-DD (local), an ISO timestamp, or a time ago (30m, 24h, 7d, 2w)",
  },
  until: {
    kind: "parsed",
    parse: String,
    optional: true,
    placeholder: "date",
    brief: "Before then (a YYYY-MM-DD date includes that whole day)",
  },
} as const;

const auditLimit = {
  kind: "parsed",
  parse: positiveInteger,
  default: "50",
  placeholder: "n",
  brief: "Rows at most (the count of the others is said)",
} as const;

/** `pai audit …`: one map, so that `verify` and `prune` join it as two more routes. */
const auditRoutes = buildRouteMap({
  routes: {
    list: buildCommand({
      loader: async () => (await auditCommand()).list,
      parameters: {
        flags: {
          ...auditFilterFlags,
          limit: auditLimit,
          order: { kind: "enum", values: ["newest", "oldest"], default: "newest", brief: "Which rows come first" },
          beforeId: {
            kind: "parsed",
            parse: positiveInteger,
            optional: true,
            placeholder: "id",
            brief: "Rows older than this one (the next page, as the last line says)",
          },
          afterId: {
            kind: "parsed",
            parse: positiveInteger,
            optional: true,
            placeholder: "id",
            brief: "Rows newer than this one (the next page with --order oldest)",
          },
          json: jsonFlag,
        },
      },
      docs: {
        brief: "List audit rows, newest first: time (local), session, mode, model, kind, what happened, tokens",
        fullDescription: "Shows the newest 50 rows that match, and how many more there are. Examples:\n" +
          "  pai audit list --session current --kind tool_call,grant\n" +
          "  pai audit list --tool fs_write --since 7d\n" +
          "  pai audit list --since 2026-05-01 --until 2026-05-31 --json",
      },
    }),
    show: buildCommand({
      loader: async () => (await auditCommand()).show,
      parameters: {
        flags: { json: jsonFlag },
        positional: { kind: "tuple", parameters: [{ brief: "Row id", placeholder: "id", parse: positiveInteger }] },
      },
      docs: { brief: "Show one row whole: every column, the event's fields, the content, whether its hashes match" },
    }),
    search: buildCommand({
      loader: async () => (await auditCommand()).search,
      parameters: {
        flags: { ...auditFilterFlags, limit: auditLimit, json: jsonFlag },
        positional: {
          kind: "array",
          minimum: 1,
          parameter: {
            brief: "Words the row must hold (the last may be a word's start)",
            placeholder: "text",
            parse: String,
          },
        },
      },
      docs: {
        brief: "Search the stored content and fields of the audit rows (full-text), newest first",
        fullDescription:
          "Finds what the log stores: a row kept only as a hash is not found by its content. Example:\n" +
          "  pai audit search passport --kind prompt,tool_result",
      },
    }),
    stats: buildCommand({
      loader: async () => (await auditCommand()).stats,
      parameters: {
        flags: {
          since: auditFilterFlags.since,
          until: auditFilterFlags.until,
          top: {
            kind: "parsed",
            parse: positiveInteger,
            default: "10",
            placeholder: "n",
            brief: "Sessions listed (those with the most rows)",
          },
          json: jsonFlag,
        },
      },
      docs: { brief: "Count the rows: per kind, per provider and model, per session; tokens; first and last time" },
    }),
    export: buildCommand({
      loader: async () => (await auditCommand()).exportRows,
      parameters: {
        flags: {
          format: { kind: "enum", values: ["jsonl", "csv"], brief: "JSON lines, or CSV (RFC 4180)" },
          ...auditFilterFlags,
        },
      },
      docs: {
        brief: "Write the rows, oldest first, to stdout as stored: JSON lines or CSV, streamed",
        fullDescription: "Every stored column, in a fixed order, then the summary. Example:\n" +
          "  pai audit export --format csv --since 2026-05-01 > audit.csv",
      },
    }),
    where: buildCommand({
      loader: async () => (await command<typeof import("./cli/audit_where.ts")>("audit_where")).where,
      parameters: {
        flags: {
          as: {
            kind: "enum",
            values: ["path", "resource", "text"],
            optional: true,
            brief: "Take the argument as this (by default: a resource's name, else a file or folder, else a text)",
          },
          since: auditFilterFlags.since,
          limit: { ...auditLimit, brief: "Requests at most (the count of the others is said)" },
          json: jsonFlag,
        },
        positional: {
          kind: "tuple",
          parameters: [{ brief: "A file or folder, a resource's name, or a text", placeholder: "what", parse: String }],
        },
      },
      docs: {
        brief: "Where did my data go? Every request that carried a file, a resource or a text, and where it went",
        fullDescription: "When, to which provider and model (local or remote), as written or redacted, in which " +
          "session and mode, through which tool result or attachment. Examples:\n" +
          "  pai audit where ~/notes/health.md\n" +
          "  pai audit where notes            (a registered resource)\n" +
          '  pai audit where "passport number" --since 30d',
      },
    }),
    verify: buildCommand({
      loader: async () => (await command<typeof import("./cli/audit_verify.ts")>("audit_verify")).verify,
      parameters: {
        flags: {
          json: jsonFlag,
          newHead: {
            kind: "boolean",
            default: false,
            brief: "Start a new head file where there is none or it cannot be read (recorded in the log)",
          },
        },
      },
      docs: {
        brief: "Check the hash chain, the indexes and the head file: the first row edited, missing, moved, or cut",
        fullDescription: "Exits 1 at the first bad row, saying why and what to do. A log with rows and no head file " +
          "is broken (the file was deleted, or pai.db copied without it) until --new-head starts a new one.",
      },
    }),
    prune: buildCommand({
      loader: async () => (await command<typeof import("./cli/audit_prune.ts")>("audit_prune")).prune,
      parameters: {
        flags: {
          before: {
            kind: "parsed",
            parse: String,
            placeholder: "date",
            brief: "Delete the rows written before then: YYYY-MM-DD (local time) or an ISO time with its offset",
          },
          yes: { kind: "boolean", default: false, brief: "Do not ask (needed without a terminal)" },
        },
      },
      docs: {
        brief: "Delete the oldest rows, recorded and re-anchored: the only way rows leave the log",
        fullDescription: "Checks the whole log first, and refuses a broken one. Example:\n" +
          "  pai audit prune --before 2026-01-01",
      },
    }),
  },
  docs: { brief: "The audit log: what was sent where, what ran and with which permissions" },
});

/** Parses a positive amount of US dollars for a budget flag (`5`, `0.50`). */
function positiveUsd(input: string): number {
  const n = Number(input);
  if (!/^\d+(\.\d+)?$/.test(input.trim()) || !(n > 0)) {
    throw new PaiError(`Expected an amount of US dollars above 0, such as 5 or 0.50, got "${input}"`);
  }
  return n;
}

/** `pai budget …`'s module, loaded when one of its commands runs. */
function budgetCommand(): Promise<typeof import("./cli/budget.ts")> {
  return command<typeof import("./cli/budget.ts")>("budget");
}

const budgetSelectors = {
  provider: {
    kind: "parsed",
    parse: parseProviderName,
    optional: true,
    placeholder: "provider",
    brief: `Only requests to this provider (${PROVIDER_NAMES.join(", ")}); default: every provider`,
  },
  mode: { kind: "enum", values: MODES, optional: true, brief: "Only requests made in this mode; default: every mode" },
} as const;

const budgetAmount = (parse: (input: string) => number, placeholder: string, brief: string) =>
  ({ kind: "parsed", parse, optional: true, placeholder, brief }) as const;

const budgetRoutes = buildRouteMap({
  routes: {
    set: buildCommand({
      loader: async () => (await budgetCommand()).set,
      parameters: {
        flags: {
          sessionTokens: budgetAmount(positiveInteger, "n", "Tokens (input and output) per session"),
          dailyTokens: budgetAmount(positiveInteger, "n", "Tokens a day (local time)"),
          monthlyTokens: budgetAmount(positiveInteger, "n", "Tokens a month (local time)"),
          dailyUsd: budgetAmount(positiveUsd, "usd", "US dollars a day, at the models' prices"),
          monthlyUsd: budgetAmount(positiveUsd, "usd", "US dollars a month"),
          ...budgetSelectors,
        },
      },
      docs: {
        brief: "Set budgets: every request to a model is checked against them before it is sent",
        fullDescription: "A budget of the same kind, provider and mode is replaced. Examples:\n" +
          "  pai budget set --daily-tokens 200000\n" +
          "  pai budget set --monthly-usd 20 --provider openai\n" +
          "  pai budget set --session-tokens 50000 --mode agent",
      },
    }),
    show: buildCommand({
      loader: async () => (await budgetCommand()).show,
      parameters: { flags: { json: jsonFlag } },
      docs: { brief: "Show each budget: its limit, what is used and left, and the period it counts" },
    }),
    clear: buildCommand({
      loader: async () => (await budgetCommand()).clear,
      parameters: {
        flags: {
          all: { kind: "boolean", default: false, brief: "Clear every budget" },
          sessionTokens: { kind: "boolean", default: false, brief: "Clear the session-tokens budget" },
          dailyTokens: { kind: "boolean", default: false, brief: "Clear the daily-tokens budget" },
          monthlyTokens: { kind: "boolean", default: false, brief: "Clear the monthly-tokens budget" },
          dailyUsd: { kind: "boolean", default: false, brief: "Clear the daily-usd budget" },
          monthlyUsd: { kind: "boolean", default: false, brief: "Clear the monthly-usd budget" },
          ...budgetSelectors,
        },
      },
      docs: {
        brief: "Clear budgets: --all, or those of the kinds, provider and mode given (as they were set)",
        fullDescription: "Examples:\n  pai budget clear --daily-tokens\n  pai budget clear --provider openai\n" +
          "  pai budget clear --all",
      },
    }),
  },
  docs: { brief: "Budgets: the tokens and dollars requests to models may spend, per session, day or month" },
});

const usage = buildCommand({
  loader: async () => (await command<typeof import("./cli/usage_report.ts")>("usage_report")).usage,
  parameters: {
    flags: {
      by: { kind: "enum", values: USAGE_GROUPINGS, default: "day", brief: "Group the answers by" },
      since: {
        kind: "parsed",
        parse: String,
        optional: true,
        placeholder: "date",
        brief: "Only answers from then on: YYYY-MM-DD (local time) or an ISO date and time",
      },
      json: jsonFlag,
    },
  },
  docs: { brief: "Show the tokens and cost of the models' answers, from the audit log" },
});

const status = buildCommand({
  loader: async () => (await command<typeof import("./cli/status.ts")>("status")).status,
  parameters: { flags: { json: jsonFlag } },
  docs: { brief: "Show the session: provider, model, mode, messages and tokens used" },
});

const reset = buildCommand({
  loader: async () => (await command<typeof import("./cli/reset.ts")>("reset")).reset,
  parameters: {},
  docs: {
    brief: "Clear the session's history, summary, working memory and its approvals (the audit log keeps its records)",
  },
});

const summary = buildCommand({
  loader: async () => (await command<typeof import("./cli/summary.ts")>("summary")).summary,
  parameters: { flags: { json: jsonFlag } },
  docs: {
    brief: "Show the summary of the session's older turns (what chat and prompt send in their place)",
    fullDescription: "Chat summarises its oldest turns when a request would pass 75% of the model's window.\n" +
      '"pai reset" clears the history and the summary.',
  },
});

const providers = buildCommand({
  loader: async () => (await command<typeof import("./cli/providers.ts")>("providers")).providers,
  parameters: { flags: { json: jsonFlag } },
  docs: { brief: "List the providers, what each needs and whether it is ready" },
});

/** `pai sessions …`'s module, loaded when one of its commands runs. */
function sessionsCommand(): Promise<typeof import("./cli/sessions.ts")> {
  return command<typeof import("./cli/sessions.ts")>("sessions");
}

const sessionRef = {
  brief: "The session: its id, the start of it, or its name",
  placeholder: "session",
  parse: String,
};

const sessionsRoutes = buildRouteMap({
  routes: {
    list: buildCommand({
      loader: async () => (await sessionsCommand()).list,
      parameters: { flags: { json: jsonFlag } },
      docs: { brief: "List the sessions, the one used last first: id, name, provider and model, messages, cost" },
    }),
    show: buildCommand({
      loader: async () => (await sessionsCommand()).show,
      parameters: { flags: { json: jsonFlag }, positional: { kind: "tuple", parameters: [sessionRef] } },
      docs: { brief: "Show one session: provider, model, endpoint, messages, tokens, cost" },
    }),
    rename: buildCommand({
      loader: async () => (await sessionsCommand()).rename,
      parameters: {
        positional: {
          kind: "tuple",
          parameters: [sessionRef, { brief: "Its new name", placeholder: "name", parse: String }],
        },
      },
      docs: { brief: "Name a session (pai chat --session NAME resumes it)" },
    }),
    rm: buildCommand({
      loader: async () => (await sessionsCommand()).rm,
      parameters: { positional: { kind: "tuple", parameters: [sessionRef] } },
      docs: {
        brief: "Delete a session: its history, summary, working memory, approvals (the audit log keeps its rows)",
      },
    }),
  },
  defaultCommand: "list",
  docs: { brief: "Your sessions: list, show, name, delete (resume one with --session or --continue)" },
});

const history = buildCommand({
  loader: async () => (await command<typeof import("./cli/history.ts")>("history")).history,
  parameters: {
    flags: {
      session: {
        ...resumeFlags.session,
        brief: "This session (its id, the start of it, or its name); default: current",
      },
      last: {
        kind: "parsed",
        parse: positiveInteger,
        optional: true,
        placeholder: "n",
        brief: "Only the last n messages",
      },
      format: { kind: "enum", values: ["text", "markdown", "json"], default: "text", brief: "How to print it" },
    },
    aliases: { n: "last" },
  },
  docs: {
    brief: "Show a session's conversation as readable text, Markdown or JSON (the audit log has the full record)",
  },
});

const undo = buildCommand({
  loader: async () => (await command<typeof import("./cli/undo.ts")>("undo")).undo,
  parameters: {
    positional: {
      kind: "tuple",
      parameters: [{
        brief: "The run (its id, or the start of it); default: the newest",
        placeholder: "run",
        parse: String,
        optional: true,
      }],
    },
    flags: {
      list: { kind: "boolean", default: false, brief: "List the runs whose changes PAI keeps" },
      json: jsonFlag,
    },
  },
  docs: {
    brief: "Put back the files a run wrote, edited or deleted, as they were before it",
    fullDescription:
      "All or nothing: a file changed since the run (by you or another program) is never overwritten;\n" +
      "then nothing is restored and PAI says which file. Examples:\n" +
      "  pai undo            # the newest run not undone yet\n" +
      "  pai undo --list\n" +
      "  pai undo 3f9c2a71e0",
  },
});

const completions = buildCommand({
  loader: async () => (await command<typeof import("./cli/completions.ts")>("completions")).completions,
  parameters: {
    positional: {
      kind: "tuple",
      parameters: [{
        brief: "bash, zsh or fish",
        placeholder: "shell",
        parse: buildChoiceParser(["bash", "zsh", "fish"] as const satisfies readonly Shell[]),
      }],
    },
  },
  docs: {
    brief: "Print a shell completion script for every command, flag and value",
    fullDescription: 'Install it (see the README, "Shell completions"):\n' +
      "  bash: pai completions bash > ~/.local/share/bash-completion/completions/pai\n" +
      "  zsh:  pai completions zsh > ~/.zsh/pai.zsh   (and source ~/.zsh/pai.zsh in ~/.zshrc, after compinit)\n" +
      "  fish: pai completions fish > ~/.config/fish/completions/pai.fish",
  },
});

const models = buildCommand({
  loader: async () => (await command<typeof import("./cli/models.ts")>("models")).models,
  parameters: {
    flags: { json: jsonFlag },
    positional: {
      kind: "tuple",
      parameters: [{
        brief: `Only this provider (${PROVIDER_NAMES.join(", ")})`,
        placeholder: "provider",
        parse: parseProviderName,
        optional: true,
      }],
    },
  },
  docs: {
    brief: "List the models each provider set up here offers, local or remote, and your aliases",
    fullDescription: "Asks each provider whose variables are set (local ones within 0.8 s, remote ones within 5 s).",
  },
});

const root = buildRouteMap({
  routes: {
    init,
    prompt,
    ask,
    chat,
    agent,
    assistant: assistantRoutes,
    task: taskRoutes,
    memory: memoryRoutes,
    template: templateRoutes,
    tools,
    policy: policyRoutes,
    audit: auditRoutes,
    resource: resourceRoutes,
    status,
    summary,
    reset,
    budget: budgetRoutes,
    usage,
    providers,
    models,
    sessions: sessionsRoutes,
    history,
    undo,
    completions,
  },
  docs: {
    brief: "PAI: a personal AI assistant where you decide which models run, where, and what data they see",
  },
});

registerCommandTree(root);

/** The command the arguments name: usage errors point to its help, and `--json` is its flag. */
const at = commandAt(root, Deno.args);

/** What went wrong, for `--json`: printed as `{"error": …}` on stdout when the command printed nothing there. */
const failures: PaiError[] = [];

/**
 * Formats what a command threw: one line (two with a hint) for PAI's errors, never a stack for them. Messages and
 * hints often quote arguments, file names and what a server said, so each is neutralised to one line: only the
 * line breaks written here start a line. Secrets are redacted first, while they still look like themselves.
 */
function formatError(error: unknown): string {
  if (error instanceof PaiError) {
    failures.push(error);
    const lines = [line`pai: ${redactSecrets(error.message)}`];
    if (error.hint) lines.push(inline(redactSecrets(error.hint)));
    return lines.join("\n");
  }
  const message = error instanceof Error ? error.message : String(error);
  failures.push(new PaiError(`internal error: ${message}`));
  const lines = [line`pai: internal error: ${redactSecrets(message)}`];
  if (Deno.env.get("PAI_DEBUG") && error instanceof Error && error.stack) lines.push(...stackFrames(error.stack));
  lines.push("Please report this (set PAI_DEBUG=1 for details)");
  return lines.join("\n");
}

/** The "at …" lines of a stack (its first lines repeat the message, already shown), each neutralised. */
function stackFrames(stack: string): string[] {
  return stack.split("\n").filter((l) => /^\s+at /.test(l)).map((l) => inline(redactSecrets(l)));
}

/**
 * A usage error the parser found, in PAI's words (the pointer to the command's help follows, once, at the end).
 * It quotes what the user typed (an unknown command, a flag value a parser refused).
 */
function formatUsageError(message: string): string {
  failures.push(new PaiError(message, { exitCode: EXIT.USAGE, hint: helpPointer(at) }));
  return line`pai: ${redactSecrets(message)}`;
}

const app = buildApplication(root, {
  name: "pai",
  versionInfo: { currentVersion: denoJson.version },
  // `--` ends the flags: `pai prompt -- "--help me"` sends "--help me".
  scanner: { caseStyle: "allow-kebab-for-camel", allowArgumentEscapeSequence: true },
  documentation: { caseStyle: "convert-camel-to-kebab" },
  localization: {
    loadText: () => ({
      ...text_en,
      briefs: {
        ...text_en.briefs,
        argumentEscapeSequence: "End of flags: what follows is text, even if it starts with -",
      },
      exceptionWhileRunningCommand: formatError,
      commandErrorResult: formatError,
      exceptionWhileParsingArguments: (error: unknown) => formatUsageError(parseErrorMessage(error, at)),
      noCommandRegisteredForInput: (unknown: UnknownCommand) => formatUsageError(unknownCommandMessage(unknown, at)),
    }),
  },
  determineExitCode: (error) => error instanceof PaiError ? error.exitCode : EXIT.FAILURE,
});

// Checked before anything asks Deno for a permission, which would prompt in a terminal and throw elsewhere.
const missing = needsPermissions(Deno.args) ? missingPermissions(requiredPermissions(denoJson.tasks.pai)) : [];
if (missing.length) {
  stderr.write(line`pai: ${missingPermissionsMessage(missing, at.words)}` + "\n");
  Deno.exit(EXIT.USAGE);
}

// What a dependency prints by itself (the Anthropic SDK's deprecation warning, on every request) reaches the user
// only as PAI's own line, once per run, never in the middle of an answer on stdout.
routeConsole(console, (text) => stderr.write(line`pai: ${text}\n`));

const processLike = {
  stdout: { write: (text: string) => stdout.write(text) },
  stderr: { write: (text: string) => stderr.write(text) },
  env: { STRICLI_NO_COLOR: Deno.env.get("NO_COLOR") ? "1" : undefined },
  exitCode: undefined as number | string | null | undefined,
};

// `deno task pai` runs in PAI's checkout: the folder the user ran it from is the workspace (core/task_folder.ts).
try {
  enterTaskCaller(import.meta.url);
} catch (error) {
  stderr.write(`${formatError(error)}\n`);
  Deno.exit(error instanceof PaiError ? error.exitCode : EXIT.FAILURE);
}

await run(app, Deno.args, { process: processLike });
const code = Number(processLike.exitCode ?? 0);
// Stricli reports its own failures as negative codes (unknown command or flag): a usage error.
const exitCode = code < 0 ? EXIT.USAGE : code;
if (exitCode === EXIT.USAGE) stderr.write(`${helpPointer(at)}\n`);
if (exitCode !== EXIT.SUCCESS && failures.length && wantsJson(at, Deno.args) && !wroteToStdout()) {
  const error = failures.length === 1
    ? failures[0]
    : new PaiError(failures.map((f) => f.message).join("; "), { exitCode, hint: failures[0].hint });
  stdout.write(`${JSON.stringify({ error: { ...errorJson(error), exitCode } })}\n`);
}
Deno.exit(exitCode);
