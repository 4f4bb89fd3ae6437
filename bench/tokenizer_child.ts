/**
 * One measured process for `bench/tokenizers.ts` (run by it, with its own import map holding both tokenizers):
 *
 * - `import LIB ENCODING`: loads the tokenizer and counts one short text; prints `{ loadMs, rssMb }`.
 * - `count LIB ENCODING FILE REPEATS`: loads it, then counts FILE once (a fresh process, as `pai` is) and REPEATS
 *   times more; prints `{ firstMs, warmMs, tokens }`.
 *
 * LIB is `none` (the baseline), `gpt-tokenizer`, `js-tiktoken` (its `lite` entry and one rank file) or
 * `js-tiktoken-full` (its main entry, which holds every encoding). The specifiers are built at run time, as
 * `lazyImport` builds them in PAI, so that Deno does not load the package before the clock starts.
 */

type Count = (text: string) => number;

interface GptTokenizerEncoding {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
}
interface TiktokenEncoder {
  encode(text: string, allowedSpecial: string[], disallowedSpecial: string[]): number[];
}
interface TiktokenLite {
  Tiktoken: new (ranks: unknown) => TiktokenEncoder;
}
interface TiktokenFull {
  getEncoding(name: string): TiktokenEncoder;
}

function load<M>(specifier: string): Promise<M> {
  return import(specifier);
}

/** The counting function of one tokenizer, special-token strings counted as plain text (as PAI does). */
async function tokenizer(lib: string, encoding: string): Promise<Count> {
  switch (lib) {
    case "none":
      return (text) => text.length;
    case "gpt-tokenizer": {
      const api = await load<GptTokenizerEncoding>(`gpt-tokenizer/encoding/${encoding}`);
      const options = { disallowedSpecial: new Set<string>() };
      return (text) => api.countTokens(text, options);
    }
    case "js-tiktoken": {
      const [{ Tiktoken }, ranks] = await Promise.all([
        load<TiktokenLite>("js-tiktoken/lite"),
        load<{ default: unknown }>(`js-tiktoken/ranks/${encoding}`),
      ]);
      const encoder = new Tiktoken(ranks.default);
      return (text) => encoder.encode(text, [], []).length;
    }
    case "js-tiktoken-full": {
      const encoder = (await load<TiktokenFull>("js-tiktoken")).getEncoding(encoding);
      return (text) => encoder.encode(text, [], []).length;
    }
    default:
      throw new Error(`Unknown tokenizer "${lib}"`);
  }
}

const [command, lib, encoding, file, repeats] = Deno.args;
if (command === "import") {
  const start = performance.now();
  const count = await tokenizer(lib, encoding);
  count("Hello, world!");
  const loadMs = performance.now() - start;
  console.log(JSON.stringify({ loadMs, rssMb: Deno.memoryUsage().rss / 2 ** 20 }));
} else if (command === "count") {
  const count = await tokenizer(lib, encoding);
  const text = await Deno.readTextFile(file);
  let start = performance.now();
  const tokens = count(text);
  const firstMs = performance.now() - start;
  const warm: number[] = [];
  for (let i = 0; i < Number(repeats); i++) {
    start = performance.now();
    count(text);
    warm.push(performance.now() - start);
  }
  warm.sort((a, b) => a - b);
  console.log(JSON.stringify({ firstMs, warmMs: warm[Math.floor(warm.length / 2)], tokens }));
} else {
  throw new Error(`Usage: tokenizer_child.ts import|count LIB ENCODING [FILE REPEATS]`);
}
