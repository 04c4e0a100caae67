# LUT neurons (lut_neurons, --lut-neurons): neurons of at most B input bits
# as truth tables.  lut_neurons.sh checks the report's counts on
# models/tiny_lut.bib (estimate text and JSON, --dump-net), the Verilog's
# tables, lint and determinism, the HLS C under -Werror, and the option's
# errors; verify_all runs 'bibc verify --target all' (interpreter, netlist
# evaluator, C, HLS C and the simulated Verilog, bit for bit) with the
# tables: every neuron a table, only some (--lut-neuron-bits 4), pipelined,
# a convolution whose activations are signed (models/conv_lut.bib), a
# 16-bit table (table16.bib) and a constant table read by a neuron
# (const_leaf.bib).
set(LUTN_DIR ${CMAKE_CURRENT_LIST_DIR})
add_test(NAME lut_neurons/report
         COMMAND sh ${LUTN_DIR}/lut_neurons.sh --bibc ${BIBC} --cc ${CMAKE_C_COMPILER})
verify_tests(lut_neurons/verify_all ${LUTN_DIR}
             "tiny_lut all models/tiny_lut.bib --samples 3000 --lut-neurons"
             "tiny_lut_b4 all models/tiny_lut.bib --samples 2000 --lut-neuron-bits 4"
             "tiny_lut_p1 all models/tiny_lut.bib --samples 1000 --lut-neurons --pipeline 1"
             "conv_lut all models/conv_lut.bib --samples 3000 --lut-neurons"
             "conv_lut_no_da all models/conv_lut.bib --samples 1000 --lut-neuron-bits 8 --no-da"
             "table16 all models/table16.bib --samples 2000 --lut-neuron-bits 16"
             "const_leaf all models/const_leaf.bib --samples 2000 --lut-neurons"
             "conv_lut_auto all models/conv_lut.bib --samples 2000 --lut-neurons-auto"
             "shared_input all models/shared_input.bib --samples 2000 --lut-neurons"
             "shared_input_p1 all models/shared_input.bib --samples 1000 --lut-neurons --pipeline 1")
