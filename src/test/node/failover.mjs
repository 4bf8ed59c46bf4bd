// What the official OpenAI SDK does with a stream that failed after its first words: Bastion ends it with an
// OpenAI-style error event, which the SDK must raise (never a quiet, complete-looking end).
// Prints one JSON line: {"case","ok","text","type","message"}. Never prints keys.
import OpenAI from "openai";

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
let text = "";
try {
  const stream = await client.chat.completions.create({ model, max_tokens: 60, stream: true,
    messages: [{ role: "user", content: "Say hello to the wall" }] });
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  console.log(JSON.stringify({ case: "stream", ok: true, text }));
} catch (e) {
  console.log(JSON.stringify({ case: "stream", ok: false, text, type: e.constructor?.name, message: e.message ?? null }));
}
