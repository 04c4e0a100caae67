# Unit tests of tensor I/O, tables and one lowered kernel.
add_executable(unit_tests ${CMAKE_CURRENT_LIST_DIR}/unit.c)
target_link_libraries(unit_tests PRIVATE bibccore)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/unit_work)
add_test(NAME unit COMMAND unit_tests ${CMAKE_CURRENT_BINARY_DIR}/unit_work)

# Exact dyadic arithmetic (compiler/exact.c) against __int128 and identities.
add_executable(exact_tests ${CMAKE_CURRENT_LIST_DIR}/exact_test.c)
target_link_libraries(exact_tests PRIVATE bibccore)
add_test(NAME unit_exact COMMAND exact_tests)

# Distributed arithmetic's adder graphs (compiler/cmvm.c, cmvm_decompose.c).
add_executable(cmvm_tests ${CMAKE_CURRENT_LIST_DIR}/cmvm_test.c)
target_link_libraries(cmvm_tests PRIVATE bibccore)
add_test(NAME unit_cmvm COMMAND cmvm_tests)

# The signature columns of ir/ops.h: known rows, and every node of the
# shared test models and Debian's ONNX node tests against its op's row.
add_executable(ops_table_tests ${CMAKE_CURRENT_LIST_DIR}/ops_table_test.c)
target_link_libraries(ops_table_tests PRIVATE bibccore)
add_test(NAME unit_ops_table
         COMMAND ops_table_tests ${SHARED_TESTDATA} /usr/share/libonnx-testdata/data/node)

# The LUT netlist op (ir/net.c) and the pack_luts pass: known tables, and the
# LGN test models packed with K = 2..6 against the unpacked netlist.
add_executable(pack_luts_tests ${CMAKE_CURRENT_LIST_DIR}/pack_luts_test.c)
target_link_libraries(pack_luts_tests PRIVATE bibccore)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/pack_luts_work)
add_test(NAME unit_pack_luts
         COMMAND pack_luts_tests ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/pack_luts_work)
