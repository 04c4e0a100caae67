# Real-model tests (models.txt, run_model.sh): one CTest per model, named
# models/NAME, skipped (exit 77) when ../shared/testdata is absent.
# randnpy writes the random inputs, npycmp compares outputs: both are C so
# the tests need no Python, and both read and write tensors with bibccore's
# tensor_io.c, so they agree with bibc on the file formats.
set(MODELS_DIR ${CMAKE_CURRENT_LIST_DIR})
add_executable(randnpy ${MODELS_DIR}/randnpy.c)
target_link_libraries(randnpy PRIVATE bibccore)
add_executable(npycmp ${MODELS_DIR}/npycmp.c)
target_link_libraries(npycmp PRIVATE bibccore)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MODELS_DIR}/models.txt)
file(STRINGS ${MODELS_DIR}/models.txt models_lines REGEX "^[A-Za-z0-9_]")
foreach(line ${models_lines})
  string(REGEX MATCH "^[A-Za-z0-9_]+" models_name "${line}")
  add_test(NAME models/${models_name}
           COMMAND sh ${MODELS_DIR}/run_model.sh --bibc ${BIBC}
                   --randnpy $<TARGET_FILE:randnpy> --npycmp $<TARGET_FILE:npycmp>
                   --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}"
                   --data ${SHARED_TESTDATA} ${models_name})
  set_tests_properties(models/${models_name} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
add_test(NAME models/kwsmlp_class3
         COMMAND sh ${MODELS_DIR}/kws_class.sh ${BIBC} $<TARGET_FILE:npycmp> ${SHARED_TESTDATA})
set_tests_properties(models/kwsmlp_class3 PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME models/kwsmlp_class3_fixed
         COMMAND sh ${MODELS_DIR}/kws_class.sh ${BIBC} $<TARGET_FILE:npycmp> ${SHARED_TESTDATA} --fixed)
set_tests_properties(models/kwsmlp_class3_fixed PROPERTIES SKIP_RETURN_CODE 77)
# kwsmlp_w3a3's scales are not powers of two: scaled integers and exact
# thresholds give an integer-only C, bit-exact with 'bibc run --fixed'.
add_test(NAME models/kwsmlp_int
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/fixed/run_fixed.sh --bibc ${BIBC}
                 --randnpy $<TARGET_FILE:randnpy> --npycmp $<TARGET_FILE:npycmp>
                 --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}" --check int
                 ${SHARED_TESTDATA}/models/QONNX_model_zoo/models/GSCV2/kwsmlp_w3a3/kwsmlp_w3a3.onnx 300)
set_tests_properties(models/kwsmlp_int PROPERTIES SKIP_RETURN_CODE 77)
