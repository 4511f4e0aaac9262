# Stream framing: SSE decoder and encoder, Gemini's JSON-array stream, stream sentinels.
set(RG_TRANSLATE_STREAM_SOURCES
  json_array_stream_decoder.cc
  sse_decoder.cc
  sse_encoder.cc
  stream_scan.cc
  stream_sentinel.cc)
