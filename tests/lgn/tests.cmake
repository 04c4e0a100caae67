# Logic-gate networks (LogicLayer, GroupSum; domain bibc.lgn): each model
# of models/ (make_models.py writes them) through run_lgn.sh (the numpy
# reference, run --fixed, the portable C, the ONNX and model-language round
# trips), and 'bibc verify --target all' (interpreter, netlist evaluator,
# C, HLS C and the Verilog simulated with Icarus Verilog, bit for bit) on
# random 0/1 vectors or binarized floats (tests/verify/run_verify.sh's
# case all), with the gates packed into LUT6 (pack_luts, the default), LUT4
# and LUT2 (--lut-k).  The bibc.lgn ONNX twin of random_lgn is written by
# onnx.helper, not by bibc.  Error cases: tests/errors (lgn_*).
set(LGN_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(m random_lgn binarize_mt binarize_quant uint8_lgn)
  add_test(NAME lgn/paths/${m}
           COMMAND sh ${LGN_DIR}/run_lgn.sh --bibc ${BIBC} --npycmp $<TARGET_FILE:npycmp>
                   --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}" ${LGN_DIR}/models/${m}.bib)
endforeach()
foreach(t "random_lgn models/random_lgn.bib 3000"
          "random_lgn_onnx models/random_lgn.onnx 1000"
          "binarize_mt models/binarize_mt.bib 2000"
          "binarize_quant models/binarize_quant.bib 2000"
          "uint8_lgn models/uint8_lgn.bib 2000"
          "big_lgn models/big_lgn.bib 300"
          "random_lgn_lut4 models/random_lgn.bib 2000 --lut-k 4"
          "random_lgn_lut2 models/random_lgn.bib 2000 --lut-k 2")
  string(REPLACE " " ";" f "${t}")
  list(GET f 0 name)
  list(GET f 1 model)
  list(GET f 2 samples)
  set(args ${f})
  list(REMOVE_AT args 0 1 2)
  add_test(NAME lgn/verify_all/${name}
           COMMAND sh ${CMAKE_SOURCE_DIR}/tests/verify/run_verify.sh --bibc ${BIBC}
                   --randnpy $<TARGET_FILE:randnpy> --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}"
                   all ${LGN_DIR}/${model} --samples ${samples} ${args})
  set_tests_properties(lgn/verify_all/${name} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
# pack_luts (pack_luts.sh): the gates become fewer LUTs, at most --lut-k
# inputs each, the netlist evaluator still equals run --fixed, and estimate
# and --dump-net report the packing.
foreach(m random_lgn big_lgn)
  add_test(NAME lgn/pack_luts/${m}
           COMMAND sh ${LGN_DIR}/pack_luts.sh --bibc ${BIBC} --npycmp $<TARGET_FILE:npycmp>
                   ${LGN_DIR}/models/${m}.bib)
endforeach()
# and Yosys maps each LUT node of random_lgn's logic layers to at most one LUT
add_test(NAME lgn/pack_luts_yosys/random_lgn
         COMMAND sh ${LGN_DIR}/pack_luts.sh --bibc ${BIBC} --yosys ${LGN_DIR}/models/random_lgn.bib)
set_tests_properties(lgn/pack_luts_yosys/random_lgn PROPERTIES SKIP_RETURN_CODE 77)
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
