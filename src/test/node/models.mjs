// What the official OpenAI SDK does with a model served through Bastion's catalogue by a translated
// deployment (the public model name is the third argument; default "claude", an Anthropic deployment).
// Prints one JSON line per case: {"case": ..., "ok": bool, ...}. Never prints keys.
import OpenAI from "openai";

const [baseURL, apiKey, model = "claude"] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const out = (o) => console.log(JSON.stringify(o));

async function run(name, fn) {
  try {
    out({ case: name, ok: true, ...(await fn()) });
  } catch (e) {
    out({ case: name, ok: false, status: e.status ?? null, code: e.code ?? e.error?.code ?? null, type: e.constructor?.name });
  }
}

await run("list", async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  return { ids };
});
await run("whole", async () => {
  const r = await client.chat.completions.create({ model, max_tokens: 40, messages: [
    { role: "system", content: "Be brief." }, { role: "user", content: "Say hello" }] });
  return { model: r.model, text: r.choices[0].message.content, finish: r.choices[0].finish_reason, usage: r.usage };
});
await run("streamed", async () => {
  const stream = await client.chat.completions.create({ model, max_tokens: 40, stream: true,
    stream_options: { include_usage: true }, messages: [{ role: "user", content: "Say hello" }] });
  let text = "", finish = null, usage = null, answered = null;
  for await (const chunk of stream) {
    answered = chunk.model;
    text += chunk.choices[0]?.delta?.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  return { model: answered, text, finish, usage };
});
await run("tool-call", async () => {
  const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
  const stream = await client.chat.completions.create({ model, max_tokens: 40, stream: true, tools,
    messages: [{ role: "user", content: "What is the weather in Paris?" }] });
  let name = "", args = "", finish = null;
  for await (const chunk of stream) {
    const call = chunk.choices[0]?.delta?.tool_calls?.[0];
    if (call?.function?.name) name = call.function.name;
    if (call?.function?.arguments) args += call.function.arguments;
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  return { name, args: JSON.parse(args), finish };
});
await run("unknown-model", async () => {
  await client.chat.completions.create({ model: "gpt-9", messages: [{ role: "user", content: "Say hello" }] });
  return {};
});
await run("untranslatable", async () => {
  await client.chat.completions.create({ model, n: 2, messages: [{ role: "user", content: "Say hello" }] });
  return {};
});
