# 'bibc verify' (compiler/verify.c): the closure report on a float model and
# on the fixed-point test models must pass (0 mismatching bits, JSON well
# formed); a bench that flips one bit must be caught; bad --data is a clean
# error; --target hls is checked as well as --target c; --target verilog
# co-simulates (verify_sim.c) with Icarus Verilog and Verilator, at several
# --pipeline settings, and a broken module (a flipped bit, a late
# out_valid), a hanging or a missing simulator are reported.  Each entry:
# NAME CASE MODEL [verify arguments]; cases are described in run_verify.sh.
# jet_like has layers cut into module parts (NAME_lN_pK, backends/verilog.c).
# Co-simulation stays on small models and few samples: Verilator compiles
# C++ for 10-20 s whatever the size, and Icarus Verilog is slow on deep
# logic without registers (--pipeline 0), so Verilator runs once.
set(VERIFY_DIR ${CMAKE_CURRENT_LIST_DIR})
set(BNN ../shared/testdata/models/example-models/onnx/bnn_model_fc_1layer.onnx)
verify_tests(verify ${CMAKE_SOURCE_DIR}
             "jet_mlp_float ok examples/jet_mlp.onnx"
             "jet_like ok tests/fixed/models/jet_like.onnx"
             "rounding_modes ok tests/fixed/models/rounding_modes.onnx"
             "jet_like_data data tests/fixed/models/jet_like.onnx"
             "detects_flipped_bit flipped tests/fixed/models/jet_like.onnx"
             "data_wrong_shape bad_shape tests/fixed/models/jet_like.onnx"
             "hls_and_c hls tests/fixed/models/conv_net.onnx"
             "sim_select sim_iverilog tests/fixed/models/select.onnx --samples 2000"
             "sim_select_p0 sim_verilator tests/fixed/models/select.onnx --samples 2000 --pipeline 0"
             "sim_rounding_modes_p0 sim_iverilog tests/fixed/models/rounding_modes.onnx --samples 200 --pipeline 0"
             "sim_rounding_modes_p1 sim_iverilog tests/fixed/models/rounding_modes.onnx --samples 1000 --pipeline 1"
             "sim_multithreshold sim_iverilog tests/backends/models/multithreshold.onnx --samples 1000"
             "sim_jet_like_parts sim_iverilog tests/fixed/models/jet_like.onnx --samples 300"
             "sim_bnn_fc_1layer sim_iverilog ${BNN} --samples 2000"
             "sim_bnn_fc_1layer_p1 sim_iverilog ${BNN} --samples 500 --pipeline 1"
             "sim_all all tests/fixed/models/select.onnx --samples 500"
             "negative_range_all all tests/fixed/models/negative_range.onnx --samples 500"
             "input_range_all all tests/dsl/models/ranged_fixed.bib --samples 500"
             "input_range_float_all all tests/dsl/models/ranged.bib --samples 500"
             "input_range_ptq_all all tests/dsl/models/ranged_ptq.bib --samples 500"
             "example_pixel_filter_all all examples/pixel_filter.bib --samples 500"
             "example_lgn_xor_all all_argmax examples/lgn_xor.bib --samples 500"
             "sim_detects_flipped_bit sim_flipped tests/fixed/models/select.onnx --samples 300"
             "sim_detects_late_valid sim_latency tests/backends/models/multithreshold.onnx --samples 300"
             "sim_timeout sim_timeout tests/fixed/models/select.onnx --samples 10"
             "sim_missing sim_missing tests/fixed/models/select.onnx")
