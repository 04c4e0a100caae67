# Conformance: the ONNX node tests of bibc's operators, from the shared test
# data and from Debian's libonnx-testdata, plus bibc's own QCDQ cases in the
# same layout (qcdq/, written by make_qcdq_cases.py), run through both the
# reference interpreter and the generated C (see conformance.c).  One CTest
# test; a missing root is skipped with a note, and the test reports
# "skipped" when none exists.
add_executable(conformance ${CMAKE_CURRENT_LIST_DIR}/conformance.c
                           ${CMAKE_CURRENT_LIST_DIR}/run_test.c)
target_link_libraries(conformance PRIVATE bibccore)

cmake_host_system_information(RESULT CONFORMANCE_JOBS QUERY NUMBER_OF_LOGICAL_CORES)
if(NOT CONFORMANCE_JOBS OR CONFORMANCE_JOBS LESS 1)
  set(CONFORMANCE_JOBS 2)
endif()

add_test(NAME conformance
  COMMAND conformance
    --bibc ${BIBC}
    --cc "${CMAKE_C_COMPILER} -std=c99 -Wall -Wextra -Werror -pedantic ${GEN_CFLAGS}"
    --work ${CMAKE_CURRENT_BINARY_DIR}/conformance-work
    --exclude ${CMAKE_CURRENT_LIST_DIR}/exclusions.txt
    -j ${CONFORMANCE_JOBS}
    shared=${SHARED_TESTDATA}/onnx-node
    debian=/usr/share/libonnx-testdata/data/node
    qcdq=${CMAKE_CURRENT_LIST_DIR}/qcdq)
set_tests_properties(conformance PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 1800)
