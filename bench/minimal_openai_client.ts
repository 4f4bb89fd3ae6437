/** The smallest useful client: one streamed chat completion with the openai SDK, printed. */
import OpenAI from "openai";

const client = new OpenAI({ baseURL: Deno.args[0], apiKey: "sk-bench" });
const stream = await client.chat.completions.create({
  model: "m",
  messages: [{ role: "user", content: "hello" }],
  stream: true,
});
for await (const chunk of stream) {
  const text = chunk.choices[0]?.delta?.content;
  if (text) await Deno.stdout.write(new TextEncoder().encode(text));
}
console.log();
