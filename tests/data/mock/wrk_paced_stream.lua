-- wrk script: paced OpenAI streams (10 tokens, 100 ms apart) against ringgate-mock.
-- wrk -t2 -c1000 -d6s --timeout 5s -s wrk_paced_stream.lua http://127.0.0.1:PORT/v1/chat/completions
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o~tokens=10~delay=100","stream":true,"messages":[{"role":"user","content":"stream please"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
