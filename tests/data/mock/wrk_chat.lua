-- wrk script: non-streaming OpenAI chat completion against ringgate-mock.
-- wrk -t1 -c32 -d5s -s wrk_chat.lua http://127.0.0.1:PORT/v1/chat/completions
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o","messages":[{"role":"user","content":"Say hello to the benchmark please"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
