# The proxy's pure building blocks (no I/O, no threads): route matching, model routing,
# header filters, request ids, CORS and error bodies. src/proxy/CMakeLists.txt adds them to
# rg_proxy; tests/unit/proxy builds them alone. They use rg_base, rg_http and rg_json.
set(RG_PROXY_PURE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/client_format.cc
  ${CMAKE_CURRENT_LIST_DIR}/cors.cc
  ${CMAKE_CURRENT_LIST_DIR}/error_body.cc
  ${CMAKE_CURRENT_LIST_DIR}/header_filter.cc
  ${CMAKE_CURRENT_LIST_DIR}/model_router.cc
  ${CMAKE_CURRENT_LIST_DIR}/request_id.cc)
