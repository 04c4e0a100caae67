# Logic-gate networks (LogicLayer, GroupSum; domain bibc.lgn): each model
# of models/ (make_models.py writes them) through run_lgn.sh (the numpy
# reference, run --fixed, the portable C, the ONNX and model-language round
# trips), and 'bibc verify --target all' (interpreter, netlist evaluator,
# C, HLS C and the Verilog simulated with Icarus Verilog, bit for bit) on
# random 0/1 vectors or binarized floats (tests/verify/run_verify.sh's
# case all).  The bibc.lgn ONNX twin of random_lgn is written by
# onnx.helper, not by bibc.  Error cases: tests/errors (lgn_*).
set(LGN_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(m random_lgn binarize_mt binarize_quant uint8_lgn gate_opt)
  add_test(NAME lgn/paths/${m}
           COMMAND sh ${LGN_DIR}/run_lgn.sh --bibc ${BIBC} --npycmp $<TARGET_FILE:npycmp>
                   --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}" ${LGN_DIR}/models/${m}.bib)
endforeach()
foreach(t "random_lgn models/random_lgn.bib 3000"
          "random_lgn_onnx models/random_lgn.onnx 1000"
          "binarize_mt models/binarize_mt.bib 2000"
          "binarize_quant models/binarize_quant.bib 2000"
          "uint8_lgn models/uint8_lgn.bib 2000"
          "gate_opt models/gate_opt.bib 1000")
  string(REPLACE " " ";" f "${t}")
  list(GET f 0 name)
  list(GET f 1 model)
  list(GET f 2 samples)
  add_test(NAME lgn/verify_all/${name}
           COMMAND sh ${CMAKE_SOURCE_DIR}/tests/verify/run_verify.sh --bibc ${BIBC}
                   --randnpy $<TARGET_FILE:randnpy> --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}"
                   all ${LGN_DIR}/${model} --samples ${samples})
  set_tests_properties(lgn/verify_all/${name} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
# tools/difflogic_to_bib.py: trained difflogic networks (.npz layout, torch
# checkpoints) to .bib and bibc.lgn ONNX, against a numpy forward pass of
# difflogic's gate formulas; skips (77) without numpy or onnx.
add_test(NAME lgn/difflogic COMMAND sh ${LGN_DIR}/difflogic.sh --bibc ${BIBC})
set_tests_properties(lgn/difflogic PROPERTIES SKIP_RETURN_CODE 77)
# NAME_run_batch (backends/c_lgn.c, bit-parallel) against the numpy counts
# and NAME_run_int, for n = 0 .. 1000 samples, with 1 and the default
# number of uint64_t per word.
foreach(m random_lgn binarize_mt binarize_quant uint8_lgn big_lgn)
  add_test(NAME lgn/batch/${m}
           COMMAND sh ${LGN_DIR}/run_batch.sh --bibc ${BIBC} --cc ${CMAKE_C_COMPILER}
                   --cflags "${GEN_CFLAGS}" ${LGN_DIR}/models/${m}.bib)
endforeach()
# --lgn-naive (difflogic's scheme, bench/lgn's baseline): run_batch's C,
# and 'bibc verify --target all' (HLS C and Verilog, every gate as written).
foreach(m random_lgn binarize_quant big_lgn)
  add_test(NAME lgn/batch_naive/${m}
           COMMAND sh ${LGN_DIR}/run_batch.sh --bibc ${BIBC} --cc ${CMAKE_C_COMPILER}
                   --cflags "${GEN_CFLAGS}" --naive ${LGN_DIR}/models/${m}.bib)
endforeach()
foreach(m random_lgn binarize_quant)
  add_test(NAME lgn/verify_naive/${m}
           COMMAND sh ${CMAKE_SOURCE_DIR}/tests/verify/run_verify.sh --bibc ${BIBC}
                   --randnpy $<TARGET_FILE:randnpy> --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}"
                   all ${LGN_DIR}/models/${m}.bib --samples 1000 --lgn-naive)
  set_tests_properties(lgn/verify_naive/${m} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
# The gate-level passes (propagate_gate_constants, fold_inverters,
# eliminate_dead_gates, hash_gates): their exact counts on gate_opt.bib in
# estimate, --json and --dump-net, and --lgn-naive's.
add_test(NAME lgn/gate_passes COMMAND sh ${LGN_DIR}/gate_passes.sh --bibc ${BIBC})
# tools/train_lgn.py, the numpy difflogic trainer: its backprop against
# central differences, a tiny network trained on scikit-learn's digits and
# 'bibc run' of its .bib (raw pixels in) against the numpy discrete network
# bit for bit; skips (77) without numpy or python3-sklearn's digits file.
add_test(NAME lgn/train COMMAND sh ${LGN_DIR}/train.sh --bibc ${BIBC})
set_tests_properties(lgn/train PROPERTIES SKIP_RETURN_CODE 77)
