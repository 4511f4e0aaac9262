# Writes the expected client streams, reasoned from wire-formats.md §2 and §4.6 (not dumped
# from the translator). "<any>" matches any value.
import json
import os
os.chdir(os.path.dirname(os.path.abspath(__file__)))
def d(o): return "data: " + json.dumps(o, separators=(",", ":"), ensure_ascii=False) + "\n\n"
def ev(name, o): return "event: " + name + "\n" + d(o)
def write(name, parts): open(name, "w").write("".join(parts))
A = "<any>"
SIG = "CiQB0e2Kb7vJq3xDg5mQ8sA1TzLw4pR6nF2yH9cV0uE3iK7oM5bXlYpZ"
# ---- OpenAI chat client
def oc(model, delta, finish=None):
    return d({"id": A, "object": "chat.completion.chunk", "created": A, "model": model,
              "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
def ou(model, usage):
    return d({"id": A, "object": "chat.completion.chunk", "created": A, "model": model,
              "choices": [], "usage": usage})
DONE = "data: [DONE]\n\n"
CL = "claude-sonnet-4-5-20250929"
GM = "gemini-2.5-flash"
GPT = "gpt-4o-2024-08-06"
# Gemini tool -> OpenAI: the fixture plus Portkey's thought_signature slot (§4.9 #8).
write("gemini_tool.to_openai.sse", [
    oc(GM, {"role": "assistant", "content": None, "tool_calls": [{"index": 0, "id": A, "type": "function",
        "function": {"name": "get_weather", "arguments": "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}",
                     "thought_signature": SIG}}]}),
    oc(GM, {}, "tool_calls"),
    ou(GM, {"prompt_tokens": 61, "completion_tokens": 76, "total_tokens": 137,
            "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 58}}),
    DONE])
write("anthropic_text.to_openai.sse", [
    oc(CL, {"role": "assistant", "content": ""}),
    oc(CL, {"content": "The capital"}),
    oc(CL, {"content": " of France is"}),
    oc(CL, {"content": " Paris."}),
    oc(CL, {}, "stop"),
    ou(CL, {"prompt_tokens": 21, "completion_tokens": 10, "total_tokens": 31, "prompt_tokens_details": {"cached_tokens": 0}}),
    DONE])
write("anthropic_tool.to_openai.sse", [
    oc(CL, {"role": "assistant", "content": ""}),
    oc(CL, {"content": "I'll check the current"}),
    oc(CL, {"content": " weather in Paris."}),
    oc(CL, {"tool_calls": [{"index": 0, "id": "toolu_01A09q90qw90lq917835lq9", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
    oc(CL, {"tool_calls": [{"index": 0, "function": {"arguments": "{\"location\": \"Par"}}]}),
    oc(CL, {"tool_calls": [{"index": 0, "function": {"arguments": "is, France\""}}]}),
    oc(CL, {"tool_calls": [{"index": 0, "function": {"arguments": ", \"unit\": \"celsius\"}"}}]}),
    oc(CL, {}, "tool_calls"),
    DONE])  # no include_usage: no usage chunk
THINK1 = "27 * 453 = 27 * 400 + 27 * 53"
THINK2 = " = 10800 + 1431 = 12231."
ASIG = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds1eJcbmSXBwvMPVAAZoq5Bo1Bl3ffYwyAzKtLuF0cA7KIEo9wnwc1PXRvRgqrWu6ZRFaeyiGFBI="
write("anthropic_thinking.to_openai.sse", [
    oc(CL, {"role": "assistant", "content": ""}),
    oc(CL, {"reasoning_content": THINK1}),
    oc(CL, {"reasoning_content": THINK2}),
    oc(CL, {"thinking_blocks": [{"type": "thinking", "thinking": THINK1 + THINK2, "signature": ASIG}]}),
    oc(CL, {"content": "27 × 453 = **12,231**"}),
    oc(CL, {}, "stop"),
    ou(CL, {"prompt_tokens": 44, "completion_tokens": 96, "total_tokens": 140, "prompt_tokens_details": {"cached_tokens": 0}}),
    DONE])
write("gemini_text.to_openai.sse", [
    oc(GM, {"role": "assistant", "content": "The capital"}),
    oc(GM, {"content": " of France is Paris"}),
    oc(GM, {"content": "."}),
    oc(GM, {}, "stop"),
    ou(GM, {"prompt_tokens": 12, "completion_tokens": 31, "total_tokens": 43,
            "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 24}}),
    DONE])
write("gemini_tool_parallel.to_openai.sse", [
    oc(GM, {"role": "assistant", "content": None, "tool_calls": [
        {"index": 0, "id": A, "type": "function", "function": {"name": "get_weather",
            "arguments": "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}", "thought_signature": SIG}},
        {"index": 1, "id": A, "type": "function", "function": {"name": "get_weather",
            "arguments": "{\"location\":\"London, UK\",\"unit\":\"celsius\"}"}}]}),
    oc(GM, {}, "tool_calls"),
    DONE])
# error mid-stream -> OpenAI error object, no [DONE] (§3.4)
write("anthropic_error.to_openai.sse", [
    oc(CL, {"role": "assistant", "content": ""}),
    oc(CL, {"content": "The capital"}),
    d({"error": {"message": "Overloaded", "type": "server_error", "param": None, "code": None}})])
write("gemini_error.to_openai.sse", [
    oc(GM, {"role": "assistant", "content": "The capital"}),
    d({"error": {"message": "The model is overloaded. Please try again later.", "type": "server_error", "param": None, "code": None}})])
# ---- Anthropic client
def ms(model, usage):
    return ev("message_start", {"type": "message_start", "message": {"id": A, "type": "message", "role": "assistant",
        "model": model, "content": [], "stop_reason": None, "stop_sequence": None, "usage": usage}})
def bs(i, block): return ev("content_block_start", {"type": "content_block_start", "index": i, "content_block": block})
def bd(i, delta): return ev("content_block_delta", {"type": "content_block_delta", "index": i, "delta": delta})
def be(i): return ev("content_block_stop", {"type": "content_block_stop", "index": i})
def md(reason, usage): return ev("message_delta", {"type": "message_delta", "delta": {"stop_reason": reason, "stop_sequence": None}, "usage": usage})
MSTOP = ev("message_stop", {"type": "message_stop"})
TEXT0 = {"type": "text", "text": ""}
frags = ["{\"", "location", "\":\"", "Paris", ", France", "\",\"", "unit", "\":\"", "celsius", "\"}"]
write("openai_tool.to_anthropic.sse", [
    ms(GPT, {"input_tokens": 0, "output_tokens": 0}),
    bs(0, {"type": "tool_use", "id": "call_Vx7pQ2mK9sLw3TzR8yN1bC4d", "name": "get_weather", "input": {}})] +
    [bd(0, {"type": "input_json_delta", "partial_json": f}) for f in frags] + [
    be(0),
    md("tool_use", {"input_tokens": 82, "output_tokens": 21, "cache_read_input_tokens": 0}),
    MSTOP])
write("gemini_text.to_anthropic.sse", [
    ms(GM, {"input_tokens": 12, "output_tokens": 26}),
    bs(0, TEXT0),
    bd(0, {"type": "text_delta", "text": "The capital"}),
    bd(0, {"type": "text_delta", "text": " of France is Paris"}),
    bd(0, {"type": "text_delta", "text": "."}),
    be(0),
    md("end_turn", {"input_tokens": 12, "output_tokens": 31, "cache_read_input_tokens": 0}),
    MSTOP])
write("gemini_tool.to_anthropic.sse", [
    ms(GM, {"input_tokens": 61, "output_tokens": 76}),
    bs(0, {"type": "tool_use", "id": A, "name": "get_weather", "input": {}}),
    bd(0, {"type": "input_json_delta", "partial_json": "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"}),
    be(0),
    md("tool_use", {"input_tokens": 61, "output_tokens": 76, "cache_read_input_tokens": 0}),
    MSTOP])
write("openai_error.to_anthropic.sse", [
    ms(GPT, {"input_tokens": 0, "output_tokens": 0}),
    ev("error", {"type": "error", "error": {"type": "api_error",
        "message": "The server had an error while processing your request. Sorry about that!"}})])
# ---- Gemini client
def gc(model, parts, finish=None, usage=None):
    c = {"content": {"parts": parts, "role": "model"}, "index": 0}
    if finish: c["finishReason"] = finish
    o = {"candidates": [c]}
    if usage: o["usageMetadata"] = usage
    o["modelVersion"] = model
    o["responseId"] = A
    return d(o)
words = ["The", " capital", " of", " France", " is", " Paris", "."]
write("openai_text.to_gemini.sse", [gc(GPT, [{"text": w}]) for w in words] + [
    gc(GPT, [{"text": ""}], "STOP", {"promptTokenCount": 24, "candidatesTokenCount": 8, "totalTokenCount": 32})])
write("openai_tool.to_gemini.sse", [
    gc(GPT, [{"functionCall": {"name": "get_weather", "args": {"location": "Paris, France", "unit": "celsius"},
                               "id": "call_Vx7pQ2mK9sLw3TzR8yN1bC4d"}}]),
    gc(GPT, [{"text": ""}], "STOP", {"promptTokenCount": 82, "candidatesTokenCount": 21, "totalTokenCount": 103})])
write("anthropic_text.to_gemini.sse", [
    gc(CL, [{"text": "The capital"}]),
    gc(CL, [{"text": " of France is"}]),
    gc(CL, [{"text": " Paris."}]),
    gc(CL, [{"text": ""}], "STOP", {"promptTokenCount": 21, "candidatesTokenCount": 10, "totalTokenCount": 31})])
write("anthropic_tool_parallel.to_gemini.sse", [
    gc(CL, [{"text": "I'll look up both cities."}]),
    gc(CL, [{"functionCall": {"name": "get_weather", "args": {"location": "Paris, France", "unit": "celsius"}, "id": "toolu_01A09q90qw90lq917835lq9"}}]),
    gc(CL, [{"functionCall": {"name": "get_weather", "args": {"location": "London, UK", "unit": "celsius"}, "id": "toolu_01B7xk2LmN3pQ4rS5tU6vW7x"}}]),
    gc(CL, [{"text": ""}], "STOP", {"promptTokenCount": 402, "candidatesTokenCount": 112, "totalTokenCount": 514})])
write("anthropic_thinking.to_gemini.sse", [
    gc(CL, [{"text": THINK1, "thought": True}]),
    gc(CL, [{"text": THINK2, "thought": True}]),
    gc(CL, [{"text": "27 × 453 = **12,231**"}]),
    gc(CL, [{"text": ""}], "STOP", {"promptTokenCount": 44, "candidatesTokenCount": 96, "totalTokenCount": 140})])
write("openai_error.to_gemini.sse", [
    d({"error": {"code": 500, "message": "The server had an error while processing your request. Sorry about that!", "status": "INTERNAL"}})])
# ---- Responses client (§2.2.4): created, in_progress, one item open at a time with dense
# output_index, *.done events carrying the joined text, the terminal event with every item
# and the usage; sequence_number from 0. Item ids are minted from the id token ("tok").
def responses(model, items, usage, status="completed", error=None):
    evs = []
    def e(t, o): evs.append((t, o))
    def resp(st, output, u):
        return {"id": "resp_tok", "object": "response", "created_at": 1735689600, "status": st,
                "error": None, "incomplete_details": None if st != "incomplete" else {"reason": "max_output_tokens"},
                "model": model, "output": output, "usage": u}
    e("response.created", {"response": resp("in_progress", [], None)})
    e("response.in_progress", {"response": resp("in_progress", [], None)})
    done_items = []
    for n, it in enumerate(items):
        kind = it[0]
        if kind == "text":
            iid = "msg_tok_%d" % n
            full = "".join(it[1])
            e("response.output_item.added", {"output_index": n, "item": {"id": iid, "type": "message",
                "status": "in_progress", "role": "assistant", "content": []}})
            e("response.content_part.added", {"item_id": iid, "output_index": n, "content_index": 0,
                "part": {"type": "output_text", "text": "", "annotations": []}})
            for t in it[1]:
                e("response.output_text.delta", {"item_id": iid, "output_index": n, "content_index": 0,
                    "delta": t, "logprobs": []})
            if len(it) > 2:  # cut by an error
                break
            e("response.output_text.done", {"item_id": iid, "output_index": n, "content_index": 0,
                "text": full, "logprobs": []})
            part = {"type": "output_text", "text": full, "annotations": []}
            e("response.content_part.done", {"item_id": iid, "output_index": n, "content_index": 0, "part": part})
            item = {"id": iid, "type": "message", "status": "completed", "role": "assistant", "content": [part]}
        elif kind == "reason":
            iid = "rs_tok_%d" % n
            full = "".join(it[1])
            e("response.output_item.added", {"output_index": n, "item": {"id": iid, "type": "reasoning", "summary": []}})
            e("response.reasoning_summary_part.added", {"item_id": iid, "output_index": n, "summary_index": 0,
                "part": {"type": "summary_text", "text": ""}})
            for t in it[1]:
                e("response.reasoning_summary_text.delta", {"item_id": iid, "output_index": n,
                    "summary_index": 0, "delta": t})
            e("response.reasoning_summary_text.done", {"item_id": iid, "output_index": n, "summary_index": 0, "text": full})
            part = {"type": "summary_text", "text": full}
            e("response.reasoning_summary_part.done", {"item_id": iid, "output_index": n, "summary_index": 0, "part": part})
            item = {"id": iid, "type": "reasoning", "summary": [part]}
        else:  # ("call", call_id, name, fragments)
            iid = "fc_tok_%d" % n
            _, call_id, name, frags = it
            full = "".join(frags)
            e("response.output_item.added", {"output_index": n, "item": {"id": iid, "type": "function_call",
                "status": "in_progress", "call_id": call_id, "name": name, "arguments": ""}})
            for t in frags:
                e("response.function_call_arguments.delta", {"item_id": iid, "output_index": n, "delta": t})
            e("response.function_call_arguments.done", {"item_id": iid, "output_index": n, "name": name, "arguments": full})
            item = {"id": iid, "type": "function_call", "status": "completed", "call_id": call_id, "name": name, "arguments": full}
        e("response.output_item.done", {"output_index": n, "item": item})
        done_items.append(item)
    if error:
        e("error", {"code": error[0], "message": error[1], "param": None})
    else:
        e("response." + status, {"response": resp(status, done_items, usage)})
    out = []
    for seq, (t, o) in enumerate(evs):
        out.append(ev(t, dict({"type": t, "sequence_number": seq}, **o)))
    return out
def ru(inp, outp, cached=0, reasoning=0):
    return {"input_tokens": inp, "input_tokens_details": {"cached_tokens": cached}, "output_tokens": outp,
            "output_tokens_details": {"reasoning_tokens": reasoning}, "total_tokens": inp + outp}
write("openai_text.to_responses.sse", responses(GPT, [("text", words)], ru(24, 8)))
write("openai_tool.to_responses.sse", responses(GPT, [("call", "call_Vx7pQ2mK9sLw3TzR8yN1bC4d", "get_weather", frags)], ru(82, 21)))
write("anthropic_text.to_responses.sse", responses(CL, [("text", ["The capital", " of France is", " Paris."])], ru(21, 10)))
write("anthropic_tool.to_responses.sse", responses(CL, [
    ("text", ["I'll check the current", " weather in Paris."]),
    ("call", "toolu_01A09q90qw90lq917835lq9", "get_weather", ["{\"location\": \"Par", "is, France\"", ", \"unit\": \"celsius\"}"])],
    ru(398, 67)))
write("anthropic_thinking.to_responses.sse", responses(CL, [("reason", [THINK1, THINK2]), ("text", ["27 × 453 = **12,231**"])], ru(44, 96)))
write("anthropic_error.to_responses.sse", responses(CL, [("text", ["The capital"], "cut")], None,
    error=("server_error", "Overloaded")))
write("gemini_text.to_responses.sse", responses(GM, [("text", ["The capital", " of France is Paris", "."])], ru(12, 31, reasoning=24)))
write("gemini_tool.to_responses.sse", responses(GM, [("call", "call_tok_0", "get_weather", ["{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"])],
    ru(61, 76, reasoning=58)))
# ---- Responses upstream (§2.2.4) to the other clients
write("responses_text.to_openai.sse", [
    oc(GPT, {"role": "assistant", "content": ""}),
    oc(GPT, {"content": "The capital"}),
    oc(GPT, {"content": " of France"}),
    oc(GPT, {"content": " is Paris"}),
    oc(GPT, {"content": "."}),
    oc(GPT, {}, "stop"),
    ou(GPT, {"prompt_tokens": 24, "completion_tokens": 8, "total_tokens": 32,
             "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}}),
    DONE])
RARGS = ["{\"location\":\"Paris, France\",", "\"unit\":\"celsius\"}"]
write("responses_tool.to_openai.sse", [
    oc(GPT, {"role": "assistant", "content": ""}),
    oc(GPT, {"tool_calls": [{"index": 0, "id": "call_Vx7pQ2mK9sLw3TzR8yN1bC4d", "type": "function",
                             "function": {"name": "get_weather", "arguments": ""}}]})] +
    [oc(GPT, {"tool_calls": [{"index": 0, "function": {"arguments": a}}]}) for a in RARGS] + [
    oc(GPT, {}, "tool_calls"),
    DONE])  # no include_usage
write("responses_error.to_openai.sse", [
    oc(GPT, {"role": "assistant", "content": ""}),
    oc(GPT, {"content": "The capital"}),
    d({"error": {"message": "The server had an error while processing your request. Sorry about that!",
                 "type": "server_error", "param": None, "code": None}})])
write("responses_text.to_anthropic.sse", [
    ms(GPT, {"input_tokens": 0, "output_tokens": 0}),
    bs(0, TEXT0)] + [bd(0, {"type": "text_delta", "text": t}) for t in ["The capital", " of France", " is Paris", "."]] + [
    be(0),
    md("end_turn", {"input_tokens": 24, "output_tokens": 8, "cache_read_input_tokens": 0}),
    MSTOP])
write("responses_tool.to_anthropic.sse", [
    ms(GPT, {"input_tokens": 0, "output_tokens": 0}),
    bs(0, {"type": "tool_use", "id": "call_Vx7pQ2mK9sLw3TzR8yN1bC4d", "name": "get_weather", "input": {}})] +
    [bd(0, {"type": "input_json_delta", "partial_json": a}) for a in RARGS] + [
    be(0),
    md("tool_use", {"input_tokens": 70, "output_tokens": 21, "cache_read_input_tokens": 0}),
    MSTOP])
write("responses_text.to_gemini.sse", [gc(GPT, [{"text": t}]) for t in ["The capital", " of France", " is Paris", "."]] + [
    gc(GPT, [{"text": ""}], "STOP", {"promptTokenCount": 24, "candidatesTokenCount": 8, "totalTokenCount": 32})])
write("responses_tool.to_gemini.sse", [
    gc(GPT, [{"functionCall": {"name": "get_weather", "args": {"location": "Paris, France", "unit": "celsius"},
                               "id": "call_Vx7pQ2mK9sLw3TzR8yN1bC4d"}}]),
    gc(GPT, [{"text": ""}], "STOP", {"promptTokenCount": 70, "candidatesTokenCount": 21, "totalTokenCount": 91})])
