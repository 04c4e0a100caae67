# --prune-fanin N (compiler/passes/prune.c, step 2: each neuron keeps its N
# weights of largest |w|), run_fanin.sh:
#   prune/fanin_*        the pruned weights against check_fanin.py's numpy
#                        rule: per-neuron nonzero counts, kept weights, the
#                        note's count (MatMul columns, Gemm under transB,
#                        grouped Conv channels; after --prune's global step);
#   prune/fanin_ties     the tie rule and NaN, golden (expected/);
#   prune/fanin_no_bn_fold  --prune-fanin alone does not fold BatchNormalization;
#   prune/verify_*       bibc verify --target all (C, HLS C, simulated
#                        Verilog) stays bit-exact on pruned models
#                        (tests/verify/run_verify.sh's case all);
#   prune/lut_bench_*    bench/lut_neurons/run.sh (run_lut_bench.sh).
set(PRUNE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(PRUNE_TFC ${SHARED_TESTDATA}/models/QONNX_model_zoo/models/MNIST/Brevitas_FINN_TFC/TFC)
foreach(t "fanin_mlp_columns rule models/fanin_mlp.bib 3"
          "fanin_mlp_after_global rule models/fanin_mlp.bib 2 0.3"
          "fanin_conv_groups rule models/fanin_conv.bib 3"
          "fanin_ties_rule rule models/fanin_ties.bib 2"
          "fanin_ties golden models/fanin_ties.bib 2 expected/fanin_ties_2.bib"
          "fanin_no_bn_fold bn ../ptq/models/bn_mlp.onnx 2")
  string(REPLACE " " ";" f "${t}")
  list(GET f 0 name)
  list(GET f 1 mode)
  list(GET f 2 model)
  set(args ${f})
  list(REMOVE_AT args 0 1 2)
  if(mode STREQUAL golden)
    list(TRANSFORM args PREPEND ${PRUNE_DIR}/ AT 1)
  endif()
  add_test(NAME prune/${name}
           COMMAND sh ${PRUNE_DIR}/run_fanin.sh --bibc ${BIBC} ${mode} ${PRUNE_DIR}/${model} ${args})
  set_tests_properties(prune/${name} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

foreach(t "verify_fanin_mlp ${PRUNE_DIR}/models/fanin_mlp.bib --prune-fanin 2 --samples 500"
          "verify_fanin_conv ${PRUNE_DIR}/models/fanin_conv.bib --prune-fanin 3 --samples 300"
          "verify_tfc_2w2a_fanin6 ${PRUNE_TFC}/TFC_2W2A.onnx --prune-fanin 6 --samples 200")
  string(REPLACE " " ";" f "${t}")
  list(GET f 0 name)
  set(args ${f})
  list(REMOVE_AT args 0)
  add_test(NAME prune/${name}
           COMMAND sh ${CMAKE_SOURCE_DIR}/tests/verify/run_verify.sh --bibc ${BIBC}
                   --randnpy $<TARGET_FILE:randnpy> --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}"
                   all ${args})
  set_tests_properties(prune/${name} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

# bench/lut_neurons/run.sh --no-synth: its table, each model three ways
# (run_lut_bench.sh).
add_test(NAME prune/lut_bench COMMAND sh ${PRUNE_DIR}/run_lut_bench.sh --bibc ${BIBC})
set_tests_properties(prune/lut_bench PROPERTIES SKIP_RETURN_CODE 77)
