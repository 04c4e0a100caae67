# Post-training quantization (--precision, --config, --calibrate, --prune,
# --fold-batchnorm) on the float models of make_models.py:
#   ptq/closure_*   the generated C gives the bits of 'bibc run FLAGS'
#                   (tests/fixed/run_fixed.sh --flags);
#   ptq/accuracy_*  16-bit types stay close to the float model;
#   ptq/fold_*, ptq/prune_*, ptq/rounding_and_saturation_modes, ptq/errors
#                   (run_ptq.sh).
set(PTQ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(PTQ_MODELS ${PTQ_DIR}/models)
set(PTQ_KERAS ${SHARED_TESTDATA}/models/example-models/onnx/three_layer_keras.onnx)
add_executable(ptqcmp ${PTQ_DIR}/ptqcmp.c)
target_link_libraries(ptqcmp PRIVATE bibccore)
set(PTQ_TOOLS --bibc ${BIBC} --randnpy $<TARGET_FILE:randnpy> --npycmp $<TARGET_FILE:npycmp>
    --ptqcmp $<TARGET_FILE:ptqcmp>)

# NAME MODEL FLAGS [calibrate]: closure of the quantized model, 500 samples.
function(ptq_closure name model flags)
  set(extra "")
  if(ARGN)
    set(extra --calibrate)
  endif()
  add_test(NAME ptq/closure_${name}
           COMMAND sh ${PTQ_DIR}/../fixed/run_fixed.sh --bibc ${BIBC} --randnpy $<TARGET_FILE:randnpy>
                   --npycmp $<TARGET_FILE:npycmp> --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}"
                   --flags "${flags}" ${extra} ${model} 500)
  set_tests_properties(ptq/closure_${name} PROPERTIES SKIP_RETURN_CODE 77)
endfunction()
ptq_closure(jet_trn_wrap ${PTQ_MODELS}/jet_mlp.onnx "--precision fixed<16,6>")
ptq_closure(jet_rnd_sat ${PTQ_MODELS}/jet_mlp.onnx "--precision fixed<12,4,RND,SAT>")
ptq_closure(jet_rnd_inf_sat_sym ${PTQ_MODELS}/jet_mlp.onnx "--precision fixed<10,3,RND_INF,SAT_SYM>")
ptq_closure(jet_rnd_zero_ufixed ${PTQ_MODELS}/jet_mlp.onnx "--precision ufixed<12,4,RND_ZERO,SAT>")
ptq_closure(jet_rnd_min_inf_wrap ${PTQ_MODELS}/jet_mlp.onnx "--precision fixed<8,3,RND_MIN_INF,WRAP>")
ptq_closure(jet_layers ${PTQ_MODELS}/jet_mlp.onnx "--config ${PTQ_DIR}/configs/jet_layers.yml")
ptq_closure(jet_calibrated ${PTQ_MODELS}/jet_mlp.onnx "--precision fixed<16,6,RND,SAT>" calibrate)
ptq_closure(bn_mlp_hls4ml ${PTQ_MODELS}/bn_mlp.onnx "--config ${PTQ_DIR}/configs/hls4ml_wrapped.yml")
ptq_closure(bn_conv_pruned ${PTQ_MODELS}/bn_conv.onnx "--precision fixed<16,6,RND_CONV,SAT> --prune 0.5")
# Pruned MatMuls become SparseMatMul (nonzeros only): C and interpreter must still agree.
ptq_closure(jet_pruned_sparse ${PTQ_MODELS}/jet_mlp.onnx "--precision fixed<16,6,RND,SAT> --prune 0.5")
ptq_closure(bn_conv_calibrated ${PTQ_MODELS}/bn_conv.onnx "--precision fixed<12,4> --prune 0.3" calibrate)
ptq_closure(keras_calibrated ${PTQ_KERAS} "--precision fixed<16,6>" calibrate)

# NAME MODEL FLAGS MAXERR MINAGREE [calibrate]
function(ptq_accuracy name model flags maxerr minagree)
  add_test(NAME ptq/accuracy_${name}
           COMMAND sh ${PTQ_DIR}/run_ptq.sh ${PTQ_TOOLS} accuracy ${model} "${flags}" ${maxerr}
                   ${minagree} ${ARGN})
  set_tests_properties(ptq/accuracy_${name} PROPERTIES SKIP_RETURN_CODE 77)
endfunction()
# Outputs are Softmax probabilities held at 2^-10: one output LSB is ~0.001.
# 0.01 (ten LSBs) leaves 3-4x headroom over the errors seen with 2000
# samples (0.0028 jet_mlp, 0.0023-0.0053 three_layer_keras calibrated),
# which come from rounding inputs, weights and two hidden layers at 2^-10
# (RND: 2^-11 each) through three layers of gain ~1.
ptq_accuracy(jet_16bit ${PTQ_MODELS}/jet_mlp.onnx "--precision fixed<16,6,RND,SAT>" 0.01 0.99)
ptq_accuracy(jet_16bit_calibrated ${PTQ_MODELS}/jet_mlp.onnx "--precision fixed<16,6,RND,SAT>"
             0.01 0.99 calibrate)
ptq_accuracy(keras_16bit_calibrated ${PTQ_KERAS} "--precision fixed<16,6>" 0.02 0.99 calibrate)

add_test(NAME ptq/fold_bn_mlp COMMAND sh ${PTQ_DIR}/run_ptq.sh ${PTQ_TOOLS} fold ${PTQ_MODELS}/bn_mlp.onnx 0)
add_test(NAME ptq/fold_bn_conv COMMAND sh ${PTQ_DIR}/run_ptq.sh ${PTQ_TOOLS} fold ${PTQ_MODELS}/bn_conv.onnx 1)
add_test(NAME ptq/fold_pytorch
         COMMAND sh ${PTQ_DIR}/run_ptq.sh ${PTQ_TOOLS} fold
                 ${SHARED_TESTDATA}/models/example-models/onnx/three_layer_bn_pytorch.onnx 0)
set_tests_properties(ptq/fold_pytorch PROPERTIES SKIP_RETURN_CODE 77)
# floor(0.4 * 1696) = 678 of jet_mlp's weights; floor(0.5 * 420) = 210 of bn_conv's.
add_test(NAME ptq/prune_jet COMMAND sh ${PTQ_DIR}/run_ptq.sh ${PTQ_TOOLS} prune ${PTQ_MODELS}/jet_mlp.onnx 0.4 678)
add_test(NAME ptq/prune_bn_conv COMMAND sh ${PTQ_DIR}/run_ptq.sh ${PTQ_TOOLS} prune ${PTQ_MODELS}/bn_conv.onnx 0.5 210)
add_test(NAME ptq/rounding_and_saturation_modes COMMAND sh ${PTQ_DIR}/run_ptq.sh ${PTQ_TOOLS} modes)
add_test(NAME ptq/errors COMMAND sh ${PTQ_DIR}/run_ptq.sh ${PTQ_TOOLS} errors)
