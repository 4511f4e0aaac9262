# stream framing tests: rg_test(translate_stream_test ...) goes here
