# 'bibc estimate' (compiler/estimate.c, synth.c) on small designs:
# tests/estimate/run_estimate.sh describes each case.  The Yosys runs take a
# few seconds each on these models; large designs are measured in bench/.
set(ESTIMATE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(ESTIMATE_SMALL ${CMAKE_SOURCE_DIR}/tests/golden/models/fixed_argmax.onnx)
foreach(t "schema ${CMAKE_SOURCE_DIR}/tests/fixed/models/select.onnx"
          "xc7 ${ESTIMATE_SMALL}"
          "ice40 ${ESTIMATE_SMALL}"
          "asic ${ESTIMATE_SMALL}"
          "budget ${ESTIMATE_SMALL}"
          "no_yosys ${ESTIMATE_SMALL}"
          "timeout ${CMAKE_SOURCE_DIR}/tests/fixed/models/jet_like.onnx"
          "parallel ${CMAKE_SOURCE_DIR}/tests/fixed/models/select.onnx")
  string(REPLACE " " ";" f "${t}")
  list(GET f 0 case)
  list(GET f 1 model)
  add_test(NAME estimate/${case}
           COMMAND sh ${ESTIMATE_DIR}/run_estimate.sh --bibc ${BIBC} ${case} ${model})
  set_tests_properties(estimate/${case} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

# The da pass's adder count: 'bibc estimate' against bench/cmvm's cmvm_bench.
add_test(NAME estimate/da_adders
         COMMAND sh ${ESTIMATE_DIR}/da_adders.sh ${BIBC} $<TARGET_FILE:cmvm_bench>)
set_tests_properties(estimate/da_adders PROPERTIES SKIP_RETURN_CODE 77)
