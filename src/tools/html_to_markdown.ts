/**
 * HTML → readable Markdown, in PAI rather than in the tool (so the tool stays
 * dependency-free). The libraries are loaded only when a page arrives.
 */
import { lazyImport } from "../core/lazy_import.ts";

interface PageDocument {
  title?: string;
  body?: { innerHTML: string } | null;
}

/** The page's title and main content as Markdown (the whole body when no article is found). */
export async function htmlToMarkdown(html: string): Promise<{ title: string; markdown: string }> {
  const [{ parseHTML }, { Readability }, { default: TurndownService }] = await Promise.all([
    lazyImport<typeof import("linkedom")>("linkedom"),
    lazyImport<typeof import("@mozilla/readability")>("@mozilla/readability"),
    // turndown is CommonJS (`export =`): the import's namespace holds it as `default`.
    lazyImport<{ default: typeof import("turndown") }>("turndown"),
  ]);
  // linkedom's types assume the DOM lib, which Deno's does not include: name what is used.
  const { document } = parseHTML(html) as unknown as { document: PageDocument };
  const title = document.title ?? "";
  // Readability edits the document it reads, so the fallback reads the body first.
  const body = document.body?.innerHTML ?? html;
  // deno-lint-ignore no-explicit-any -- linkedom's Document stands in for the DOM type Readability declares
  const article = new Readability(document as any).parse();
  const turndown = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced" });
  turndown.remove(["script", "style", "noscript", "iframe"]);
  return { title: article?.title || title, markdown: turndown.turndown(article?.content || body).trim() };
}
