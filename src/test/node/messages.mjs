// The official Anthropic SDK against Bastion's Messages front door: a plain answer, a stream read with the SDK's
// helpers, a tool call and its result, errors raised as the SDK's error classes, and a stream cut mid-answer
// (the model "flaky", which the Java test makes fail) that must raise, never resolve as a complete message.
// Prints one JSON line per case: {"case","ok",…}. Never prints keys.
import Anthropic from "@anthropic-ai/sdk";

const [baseURL, apiKey] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey, maxRetries: 0 });
const weather = [{ name: "get_weather", description: "The weather in a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }];
const ask = (model, extra = {}) => ({ model, max_tokens: 60, messages: [{ role: "user", content: "Say hello to the SDK" }], ...extra });

async function run(name, fn) {
  try {
    console.log(JSON.stringify({ case: name, ok: true, ...(await fn()) }));
  } catch (e) {
    console.log(JSON.stringify({ case: name, ok: false, type: e.constructor?.name, status: e.status ?? null,
      errorType: e.type ?? null, errorCode: e.errorCode ?? null, requestId: e.error?.request_id ?? null, message: e.message ?? null,
      text: e.textSoFar ?? null }));
  }
}

await run("plain", async () => {
  const m = await client.messages.create(ask("claude"));
  return { text: m.content.map((b) => b.text ?? "").join(""), stop_reason: m.stop_reason, usage: m.usage, model: m.model };
});

await run("stream", async () => {
  let text = "";
  const stream = client.messages.stream(ask("gpt"));
  stream.on("text", (t) => { text += t; });
  const m = await stream.finalMessage();
  return { text, finalText: m.content.map((b) => b.text ?? "").join(""), stop_reason: m.stop_reason, usage: m.usage };
});

await run("tool", async () => {
  const first = await client.messages.create({ model: "claude", max_tokens: 60, tools: weather,
    messages: [{ role: "user", content: "What is the weather in Paris?" }] });
  const use = first.content.find((b) => b.type === "tool_use");
  const second = await client.messages.create({ model: "claude", max_tokens: 60, tools: weather, messages: [
    { role: "user", content: "What is the weather in Paris?" },
    { role: "assistant", content: first.content },
    { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "18 degrees" }, { type: "text", text: "Thanks" }] }] });
  return { first_stop: first.stop_reason, name: use.name, input: use.input, second_stop: second.stop_reason,
    text: second.content.map((b) => b.text ?? "").join("") };
});

await run("streamed-tool", async () => {
  const stream = client.messages.stream({ model: "gemini", max_tokens: 60, tools: weather, tool_choice: { type: "any" },
    messages: [{ role: "user", content: "What is the weather in Paris?" }] });
  const m = await stream.finalMessage();
  const use = m.content.find((b) => b.type === "tool_use");
  return { stop_reason: m.stop_reason, name: use?.name, input: use?.input };
});

await run("bad-key", async () => {
  await new Anthropic({ baseURL, apiKey: "bst_not-a-real-key", maxRetries: 0 }).messages.create(ask("claude"));
  return {};
});

await run("unknown-model", async () => {
  await client.messages.create(ask("claude-9-opus"));
  return {};
});

await run("cut", async () => {
  let text = "";
  const stream = client.messages.stream(ask("flaky"));
  stream.on("text", (t) => { text += t; });
  try {
    const m = await stream.finalMessage();
    return { text, stop_reason: m.stop_reason };
  } catch (e) {
    e.textSoFar = text;
    throw e;
  }
});
