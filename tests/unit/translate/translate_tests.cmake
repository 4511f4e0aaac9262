# translator tests: rg_test(translate_test ...) goes here
