# 'bibc verify' (compiler/verify.c): the closure report on a float model and
# on the fixed-point test models must pass (0 mismatching bits, JSON well
# formed); a bench that flips one bit must be caught; bad --data is a clean
# error; --target hls is checked as well as --target c.  Cases are described in run_verify.sh.
set(VERIFY_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(t "jet_mlp_float ok examples/jet_mlp.onnx"
          "jet_like ok tests/fixed/models/jet_like.onnx"
          "rounding_modes ok tests/fixed/models/rounding_modes.onnx"
          "jet_like_data data tests/fixed/models/jet_like.onnx"
          "detects_flipped_bit flipped tests/fixed/models/jet_like.onnx"
          "data_wrong_shape bad_shape tests/fixed/models/jet_like.onnx"
          "hls_and_c hls tests/fixed/models/conv_net.onnx")
  string(REPLACE " " ";" f "${t}")
  list(GET f 0 name)
  list(GET f 1 case)
  list(GET f 2 model)
  add_test(NAME verify/${name}
           COMMAND sh ${VERIFY_DIR}/run_verify.sh --bibc ${BIBC} --randnpy $<TARGET_FILE:randnpy>
                   --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}"
                   ${case} ${CMAKE_SOURCE_DIR}/${model})
endforeach()
