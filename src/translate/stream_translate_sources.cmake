# Stream translators between the API formats: decoder -> IR deltas -> encoder (README.md,
# "Stream translation").
set(RG_TRANSLATE_STREAM_TRANSLATE_SOURCES
  stream_decode_anthropic.cc
  stream_decode_gemini.cc
  stream_decode_openai.cc
  stream_decode_responses.cc
  stream_encode_anthropic.cc
  stream_encode_gemini.cc
  stream_encode_openai.cc
  stream_encode_responses.cc
  stream_translate.cc)
