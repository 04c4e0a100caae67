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
foreach(m random_lgn binarize_mt binarize_quant uint8_lgn gate_opt dead_input)
  add_test(NAME lgn/paths/${m}
           COMMAND sh ${LGN_DIR}/run_lgn.sh --bibc ${BIBC} --npycmp $<TARGET_FILE:npycmp>
                   --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}" ${LGN_DIR}/models/${m}.bib)
endforeach()
# A GroupSum output gives the Verilog module an argmax port (case
# all_argmax: every index checked against numpy's argmax of the reference
# scores); binarize_quant's GroupSum (tau = 3) stays float, so its module
# has none.  tie_lgn (2 gates per class: equal scores in about half the
# rows, 5 classes, 2 rows) fails if ties do not go to the lowest index;
# sim_argmax_ties checks that verify catches a module that breaks them
# upwards; --no-argmax leaves the port out.  --pipeline 1 and 2 register
# every adder of the popcount trees and every comparison and select of the
# tournament.  Gates are packed into LUT6 by default, LUT4 and LUT2 too;
# *_naive: --lgn-naive (every gate as written).
verify_tests(lgn/verify_all ${LGN_DIR}
             "random_lgn all_argmax models/random_lgn.bib --samples 3000"
             "random_lgn_onnx all_argmax models/random_lgn.onnx --samples 1000"
             "binarize_mt all_argmax models/binarize_mt.bib --samples 2000"
             "binarize_quant all models/binarize_quant.bib --samples 2000"
             "uint8_lgn all_argmax models/uint8_lgn.bib --samples 2000"
             "tie_lgn all_argmax models/tie_lgn.bib --samples 2000"
             "tie_lgn_p1 all_argmax models/tie_lgn.bib --samples 1000 --pipeline 1"
             "random_lgn_p1 all_argmax models/random_lgn.bib --samples 1000 --pipeline 1"
             "random_lgn_p2 all_argmax models/random_lgn.bib --samples 1000 --pipeline 2"
             "uint8_lgn_p1 all_argmax models/uint8_lgn.bib --samples 1000 --pipeline 1"
             "binarize_mt_p1 all_argmax models/binarize_mt.bib --samples 1000 --pipeline 1"
             "big_lgn_p1 sim_argmax models/big_lgn.bib --samples 300 --pipeline 1"
             "tie_lgn_wrong_ties sim_argmax_ties models/tie_lgn.bib --samples 500"
             "random_lgn_no_argmax all models/random_lgn.bib --samples 500 --no-argmax"
             "gate_opt all_argmax models/gate_opt.bib --samples 1000"
             "random_lgn_naive all_argmax models/random_lgn.bib --samples 1000 --lgn-naive"
             "binarize_quant_naive all models/binarize_quant.bib --samples 1000 --lgn-naive"
             "dead_input all_argmax models/dead_input.bib --samples 500"
             "dead_input_naive all_argmax models/dead_input.bib --samples 500 --lgn-naive"
             "big_lgn all_argmax models/big_lgn.bib --samples 300"
             "random_lgn_lut4 all_argmax models/random_lgn.bib --samples 2000 --lut-k 4"
             "random_lgn_lut2 all_argmax models/random_lgn.bib --samples 2000 --lut-k 2")
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
foreach(m random_lgn binarize_mt binarize_quant uint8_lgn big_lgn pass_count const_count dead_input)
  add_test(NAME lgn/batch/${m}
           COMMAND sh ${LGN_DIR}/run_batch.sh --bibc ${BIBC} --cc ${CMAKE_C_COMPILER}
                   --cflags "${GEN_CFLAGS}" ${LGN_DIR}/models/${m}.bib)
endforeach()
# --lgn-naive (difflogic's scheme, bench/lgn's baseline): run_batch's C
# (verify_all's *_naive: HLS C and Verilog with every gate as written).
foreach(m random_lgn binarize_quant big_lgn dead_input)
  add_test(NAME lgn/batch_naive/${m}
           COMMAND sh ${LGN_DIR}/run_batch.sh --bibc ${BIBC} --cc ${CMAKE_C_COMPILER}
                   --cflags "${GEN_CFLAGS}" --naive ${LGN_DIR}/models/${m}.bib)
endforeach()
# The gate-level passes (propagate_gate_constants, fold_inverters,
# eliminate_dead_gates, hash_gates): their exact counts on gate_opt.bib in
# estimate, --json and --dump-net, and --lgn-naive's.
add_test(NAME lgn/gate_passes COMMAND sh ${LGN_DIR}/gate_passes.sh --bibc ${BIBC})
# The GroupSum hardware's shape (trees.py): every class score a balanced
# adder tree (its constant a leaf, repeated bits one shifted leaf), every
# argmax a tournament of at most ceil(log2 k) selects, and --pipeline 1
# and 2 registering both level by level (ceil(depth / N) - 1 ranks).
foreach(m random_lgn big_lgn tie_lgn uint8_lgn binarize_mt)
  add_test(NAME lgn/trees/${m} COMMAND /usr/bin/python3 ${LGN_DIR}/trees.py ${BIBC} ${LGN_DIR}/models/${m}.bib)
endforeach()
# tools/train_lgn.py, the numpy difflogic trainer: its backprop against
# central differences, a tiny network trained on scikit-learn's digits and
# 'bibc run' of its .bib (raw pixels in) against the numpy discrete network
# bit for bit; skips (77) without numpy or python3-sklearn's digits file.
add_test(NAME lgn/train COMMAND sh ${LGN_DIR}/train.sh --bibc ${BIBC})
set_tests_properties(lgn/train PROPERTIES SKIP_RETURN_CODE 77)
