-- wrk script: a small non-streaming OpenAI chat completion (POST /v1/chat/completions).
-- Used by proxy_vs_nginx.sh; the same request goes direct to ringgate-mock, through ringgate
-- and through nginx. The mock answers with ~0.6 KB of JSON (16 tokens by default).
--   wrk -s bench/load/chat_completion.lua http://127.0.0.1:PORT
-- MODEL (environment) overrides the model name, e.g. MODEL='gpt-4o~tokens=8'.
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"' .. (os.getenv("MODEL") or "gpt-4o") ..
    '","messages":[{"role":"user","content":"hello there, how are you?"}],"max_tokens":64}'
