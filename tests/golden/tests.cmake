# Golden-file tests (run.sh: --dump-ir and generated C/H equal expected/,
# one CTest per model) and the determinism/portability test.
set(GOLDEN_DIR ${CMAKE_CURRENT_LIST_DIR})
file(GLOB golden_models RELATIVE ${GOLDEN_DIR}/models ${GOLDEN_DIR}/models/*.onnx)
foreach(m ${golden_models})
  string(REGEX REPLACE "\\.onnx$" "" golden_name ${m})
  add_test(NAME golden/${golden_name}
           COMMAND sh ${GOLDEN_DIR}/run.sh --bibc ${BIBC} ${golden_name})
endforeach()
add_test(NAME golden/determinism
         COMMAND sh ${GOLDEN_DIR}/determinism.sh --bibc ${BIBC} --cc ${CMAKE_C_COMPILER})
